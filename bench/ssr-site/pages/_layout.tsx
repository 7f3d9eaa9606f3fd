import type { ComponentChildren } from 'preact';
import type { LayoutProps } from 'wirecore/ssr';

export const head = { title: 'Catalogue', links: [{ rel: 'stylesheet', href: '/styles.css' }] };

export default function Layout({ children }: LayoutProps<ComponentChildren>) {
  return (
    <>
      <header>
        <a href="/">Shop</a>
      </header>
      <main>{children}</main>
      <footer>bench</footer>
    </>
  );
}
