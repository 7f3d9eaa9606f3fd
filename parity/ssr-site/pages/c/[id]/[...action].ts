// /c/<id>/<action>: the echo, for every method.
export { echo as ALL } from '../../_echo.js';
