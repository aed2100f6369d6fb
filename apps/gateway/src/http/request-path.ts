/** A request URL's path: the URL without its query string (no array built, unlike `split('?')`). */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
