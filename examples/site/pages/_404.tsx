import type { ErrorPageProps } from 'wirecore/ssr';

export const head = { title: 'Not found · wirecore blog' };

export default function NotFound({ path }: ErrorPageProps) {
  return (
    <section class="error">
      <h1>Page not found</h1>
      <p>
        There is nothing at <code>{path}</code>. <a href="/">Back to the posts</a>.
      </p>
    </section>
  );
}
