import type { ComponentChildren } from 'preact';
import type { Head, LayoutProps } from 'wirecore/ssr';

export const head: Head = {
  title: 'The wirecore blog',
  meta: [{ name: 'description', content: 'A small blog served by wirecore/ssr.' }],
  links: [
    { rel: 'stylesheet', href: '/styles.css' },
    { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
  ],
};

export default function SiteLayout({ children }: LayoutProps<ComponentChildren>) {
  return (
    <>
      <header>
        <a class="brand" href="/">
          wirecore blog
        </a>
        <nav>
          <a href="/">Posts</a>
          <a href="/about">About</a>
        </nav>
      </header>
      <main>{children}</main>
      <footer>Served by wirecore/ssr.</footer>
    </>
  );
}
