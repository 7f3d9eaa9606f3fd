import type { PageProps } from 'wirecore/ssr';
import Counter from '../islands/Counter';
import { allPosts } from './_lib/posts';

export function load() {
  return { posts: allPosts.map(({ slug, title, date, summary }) => ({ slug, title, date, summary })) };
}

export default function Home({ data }: PageProps<typeof load>) {
  return (
    <>
      <h1>Posts</h1>
      <ul class="posts">
        {data.posts.map((post) => (
          <li key={post.slug}>
            <a href={`/posts/${post.slug}`}>{post.title}</a>
            <time dateTime={post.date}>{post.date}</time>
            <p>{post.summary}</p>
          </li>
        ))}
      </ul>
      <section class="island-demo">
        <h2>An island</h2>
        <p>The only JavaScript on this site:</p>
        <Counter start={0} />
      </section>
    </>
  );
}
