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
  /** {@code clear_user_highpage()} of a new anonymous page ({@code do_anonymous_page()}). */
  ZEROING("zeroing"),
  /** {@code copy_user_highpage()} of a copy-on-write fault ({@code wp_page_copy()}). */
  COW("cow"),
  /**
   * {@code pipe_write()} → {@code copy_page_from_iter()} into a pipe buffer page and
   * {@code pipe_read()} → {@code copy_page_to_iter()} out of it; the buffer is
   * {@code alloc_page(GFP_HIGHUSER | __GFP_ACCOUNT)} (fs/pipe.c), user data.
   */
  PIPE("pipe");

  private final String exitSite;

  AccessSite(String exitSite) {
    this.exitSite = exitSite;
  }

  /** The name of the ASI exit site (metric key) that direct-map touches of this site are counted at. */
  public String exitSite() {
    return exitSite;
  }
}
