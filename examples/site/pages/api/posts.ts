import type { EndpointContext } from 'wirecore/ssr';
import { allPosts } from '../_lib/posts';

/** The posts as JSON: an endpoint is a route file that exports handlers instead of a component. */
export function GET({ res }: EndpointContext) {
  const posts = allPosts.map(({ slug, title, date }) => ({ slug, title, date, url: `/posts/${slug}` }));
  return res.send({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(posts) });
}
