/** Where an entity's page stands: the list it belongs to, then its id. */
export const Crumbs = ({ list, href, id }: { list: string; href: string; id: string }) => (
  <p class="crumbs">
    <a href={href}>{list}</a> / {id}
  </p>
);
