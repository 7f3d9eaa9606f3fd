export const prerender = true;
export const head = { title: 'About · wirecore blog' };

export default function About() {
  return (
    <>
      <h1>About</h1>
      <p>
        This site is the example of <code>wirecore/ssr</code>: file routes in <code>pages/</code> compiled by <code>wirecore-ssr build</code>, pages streamed
        through wirecore's response writer, posts prerendered into its static cache, and one island hydrated in the browser.
      </p>
    </>
  );
}
