import posts from '../../data/posts.json';

export interface Post {
  slug: string;
  title: string;
  date: string;
  summary: string;
  body: string[];
}

/** Newest first. */
export const allPosts: Post[] = [...(posts as Post[])].sort((a, b) => (a.date < b.date ? 1 : -1));

export function findPost(slug: string): Post | undefined {
  return allPosts.find((p) => p.slug === slug);
}
