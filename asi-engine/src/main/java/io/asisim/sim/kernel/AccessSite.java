package io.asisim.sim.kernel;

/**
 * The kernel code paths that touch memory which may be sensitive (another process's page-cache
 * or anonymous pages) and so need a temporary mapping or an ASI exit. Each {@link Highmem} call
 * names its site: the exit it may cause is attributed to {@link #exitSite()}, and the mapper serving
 * it is chosen per site in one place ({@link Highmem}'s mapper lookup).
 */
public enum AccessSite {
  /** {@code filemap_read()} → {@code copy_page_to_iter()} from a page-cache page (read()). */
  PAGECACHE_READ("pagecache_read"),
  /** {@code generic_perform_write()} → {@code copy_page_from_iter()} into a page-cache page (write()). */
  PAGECACHE_WRITE("pagecache_write"),
  /**
   * {@code clear_user_highpage()} of a new anonymous page ({@code do_anonymous_page()}), and the
   * clear of a new tmpfs folio a fault reads in ({@code shmem_get_folio_gfp()} → {@code clear_highpage()}).
   */
  ZEROING("zeroing"),
  /**
   * {@code copy_user_highpage()} of a write fault on a write-protected page ({@code do_wp_page()} →
   * {@code wp_page_copy()}): a CoW-shared anonymous page, or a page-cache page mapped read-only in
   * a private file mapping.
   */
  COW("cow"),
  /**
   * {@code copy_mc_user_highpage()} of a first write to a private file mapping
   * ({@code do_cow_fault()}): the page-cache page copied into a new anonymous page.
   */
  DO_COW_FAULT("do_cow_fault"),
  /**
   * {@code pipe_write()} → {@code copy_page_from_iter()} into a pipe buffer page and
   * {@code pipe_read()} → {@code copy_page_to_iter()} out of it; the buffer is
   * {@code alloc_page(GFP_HIGHUSER | __GFP_ACCOUNT)} (fs/pipe.c), user data.
   */
  PIPE("pipe"),
  /**
   * {@code migrate_pages()} → {@code folio_copy()} → {@code copy_highpage()} of a page compaction
   * moves ({@link Migrate}): an anonymous or page-cache page copied to its new frame.
   */
  MIGRATE("migrate");

  private final String exitSite;

  AccessSite(String exitSite) {
    this.exitSite = exitSite;
  }

  /** The name of the ASI exit site (metric key) that direct-map touches of this site are counted at. */
  public String exitSite() {
    return exitSite;
  }

  /** The site's id in {@code --site-mapper SITE=NAME} and the run JSON, e.g. {@code pagecache-read}. */
  public String id() {
    return exitSite.replace('_', '-');
  }

  /** The site with {@link #id()} {@code id}; a one-line error listing the valid ids otherwise. */
  public static AccessSite fromId(String id) {
    for (AccessSite s : values()) {
      if (s.id().equals(id)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown access site '" + id + "' (valid: " + validIds() + ")"
        + io.asisim.sim.Suggestions.didYouMean(id, java.util.Arrays.stream(values()).map(AccessSite::id).toList()));
  }

  /** Every site id, comma separated, in declaration order. */
  public static String validIds() {
    StringBuilder sb = new StringBuilder();
    for (AccessSite s : values()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(s.id());
    }
    return sb.toString();
  }
}
