import { notFound, type LoadContext, type PageProps, type RouteInfo } from 'wirecore/ssr';
import { allPosts, findPost } from '../_lib/posts';

// Every known post is rendered once at start and served from the static cache;
// any other slug reaches load() and gets the 404 page.
export const prerender = { paths: () => allPosts.map((p) => ({ slug: p.slug })) };

// '/posts/[slug]': params typed from the route types of the build (.wirecore-ssr/routes.d.ts).
export function head({ params }: RouteInfo<'/posts/[slug]'>) {
  const post = findPost(params.slug);
  return { title: post ? `${post.title} · wirecore blog` : 'Not found · wirecore blog' };
}

export function load({ params }: LoadContext<'/posts/[slug]'>) {
  const post = findPost(params.slug);
  if (post === undefined) notFound();
  return { post };
}

export default function PostPage({ data }: PageProps<typeof load, '/posts/[slug]'>) {
  const { post } = data;
  return (
    <article>
      <h1>{post.title}</h1>
      <time dateTime={post.date}>{post.date}</time>
      {post.body.map((paragraph, i) => (
        <p key={i}>{paragraph}</p>
      ))}
      <p>
        <a href="/">← All posts</a>
      </p>
    </article>
  );
}
