export const head = { title: 'Error · wirecore blog', links: [{ rel: 'stylesheet', href: '/styles.css' }] };

export default function ServerError() {
  return (
    <section class="error">
      <h1>Something went wrong</h1>
      <p>The error was logged. Please try again later.</p>
    </section>
  );
}
