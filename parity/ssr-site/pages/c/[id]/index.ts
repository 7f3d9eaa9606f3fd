// /c/<id>: the echo too.
export { echo as ALL } from '../../_echo.js';
