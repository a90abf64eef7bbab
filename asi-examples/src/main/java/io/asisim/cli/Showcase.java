package io.asisim.cli;

import io.asisim.api.machine.MachineConfig;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.BadInputException;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The built-in comparison that {@code asi-sim compare} runs with no options: each section compares
 * one design axis on the workload that exercises it, against the {@code --asi off} baseline, with
 * a short reading guide. Machine: the defaults (16 GiB, 8 CPUs, sapphire-rapids).
 */
final class Showcase {
  private Showcase() {}

  /** The shared perf capture replayed by the trace section, relative to the repository root. */
  static final String SHARED_TRACE = "traces/tar-gzip-docs.perf.txt.xz";
  /** The slab-event capture replayed through the SLUB model by the slab section. */
  static final String SLAB_TRACE = "traces/find-tar-slab.perf.txt.xz";

  /**
   * One section of the showcase.
   *
   * @param title the question it answers
   * @param guide how to read its tables
   * @param variants the ASI-on variants (the runner adds the ASI-off baseline)
   * @param samples seeds per variant
   */
  record Section(String title, String guide, List<VariantConfig> variants, int samples, List<String> steps) {
    Section(String title, String guide, List<VariantConfig> variants, int samples) {
      this(title, guide, variants, samples, List.of());
    }

    /** Whether this is a "what each fix is worth" section: {@link #steps} label its variants in order. */
    boolean isWaterfall() {
      return !steps.isEmpty();
    }
  }

  /** The server-mix section's title, whose --out report also charts each variant's fragmentation over the run. */
  static final String SERVER_MIX_TITLE = "Allocator strategies under memory pressure: server-mix";

  /** server-mix requests of its section: kswapd runs from about the 10 000th. */
  static final long SERVER_MIX_OPS = 30_000;

  /** kernel-build ops of the guest section: a quarter of the default keeps its 18 runs to a few seconds. */
  static final long GUEST_SECTION_OPS = 100_000;
  /** Requests of server-mix in the THP section (a sixth of the server-mix section's: it runs 12 variants). */
  static final long THP_SECTION_OPS = 5_000;
  /** Work items of threaded-link in the threads section: half its default, exposures scanned every 16. */
  static final long THREAD_SECTION_OPS = 10_000;

  /** kernel-build ops of the flush section, whose exposure scans every 16 ops are about a quarter of its host time. */
  static final long FLUSH_SECTION_OPS = 200_000;

  /** The steps of the fix waterfall: the posted configuration, each fix alone, all of them. */
  static final List<String> FIX_STEPS = List.of("posted", "+same-mm", "+zeroing via ephmap",
      "+cow via ephmap (2 slots)", "+cr3 noflush", "+no ibpb", "all fixes");

  static final String FIX_GUIDE = "The posted ASI configuration exits on every context switch, writes CR3 "
      + "without NOFLUSH (every transition empties the target PCID, so user and kernel TLB working sets "
      + "refill), issues an IBPB on every exit (sapphire-rapids-ibpb) and uses the ephmap for page-cache "
      + "reads only (zeroing and copy-on-write exit). Each row applies one fix alone to it: same-mm "
      + "context switches, zeroing and copy-on-write (of anonymous and of private file pages) through the "
      + "ephmap (2 slots), CR3 NOFLUSH, no IBPB "
      + "(sapphire-rapids); the last row applies all. Overhead is cycles_per_op over the --asi off "
      + "baseline of the same CPU profile; 'share' is the part of the posted overhead the fix removes "
      + "alone. Shares need not add up: fixes interact (fewer exits leave fewer flushing CR3 writes). "
      + "kernel-build spawns mostly with vfork as the measured build does, so its copy-on-write (the shells' "
      + "plain forks and programs' data pages) is a small share of its exits; "
      + "fio-randread already reads through the ephmap and does not exit, so no fix changes it: its "
      + "overhead is the ephmap's own PTE write and INVLPG per read (under NOFLUSH a release also "
      + "invalidates the other PCID only if that PCID was loaded while the slot was mapped, which a "
      + "read without an exit never does).";

  /** The posted configuration, each fix alone and all fixes, on {@code workload}. */
  private static List<VariantConfig> fixes(PluginRegistry registry, String workload, long seed) {
    List<VariantConfig> out = new ArrayList<>();
    for (int step = 0; step < FIX_STEPS.size(); step++) {
      boolean all = step == FIX_STEPS.size() - 1;
      Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
      sel.put(PluginKind.WORKLOAD, workload);
      sel.put(PluginKind.MAPPER, "exit");
      sel.put(PluginKind.CONTEXT_SWITCH, step == 1 || all ? "same-mm" : "exit-always");
      sel.put(PluginKind.CPU_PROFILE, step == 5 || all ? "sapphire-rapids" : "sapphire-rapids-ibpb");
      Map<String, String> sites = new java.util.TreeMap<>();
      sites.put("pagecache-read", "ephmap");
      if (step == 2 || all) {
        sites.put("zeroing", "ephmap");
      }
      List<String> sets = new ArrayList<>();
      if (step == 3 || all) {
        // both copy-on-write copies: an anonymous page's (do_wp_page()) and a private file page's (do_cow_fault())
        sites.put("cow", "ephmap");
        sites.put("do-cow-fault", "ephmap");
        sets.add("mapper.ephmap.slots=2");
      }
      sets.add("machine.x86.cr3-noflush=" + (step == 4 || all));
      for (Map.Entry<PluginKind, String> e : sel.entrySet()) {
        if (!registry.has(e.getKey(), e.getValue())) {
          throw new BadInputException("showcase needs " + e.getKey().id() + " '" + e.getValue()
              + "', which is not on the classpath");
        }
      }
      out.add(new VariantConfig(new MachineConfig(16L << 30, 8, true), sel, sel.keySet(),
          Settings.parse(sets, registry), seed, 0).withSiteMappers(sites));
    }
    return out;
  }

  static List<Section> sections(PluginRegistry registry, long seed, int samples) {
    Builder b = new Builder(registry, seed);
    List<Section> out = new ArrayList<>();
    for (String w : new String[] {"kernel-build", "fio-randread"}) {
      // one sample: each variant and its baseline replay the same seeded op sequence, and the
      // fourteen variants of the two sections would otherwise dominate the showcase's time
      out.add(new Section("What each fix is worth on " + w + ": the posted ASI configuration, each fix alone, all",
          FIX_GUIDE, fixes(registry, w, seed), 1, FIX_STEPS));
    }
    out.add(new Section("Mappers on fio-randread: how restricted code reaches page-cache pages",
        "exit faults on every read (asi_exits.page_fault, site pagecache_read) and pays a CR3 round trip, "
            + "TLB refills and mitigations; the mapping designs avoid the exit and pay for the alias instead: "
            + "ephmap a local INVLPG per read, kmap-local its fixmap slot flushes, vmalloc a tree search and a "
            + "global shootdown per lazy purge, mermap a full local flush when its window wraps. Compare "
            + "cycles_per_op and throughput against the baseline, and tlb_shootdown_ipis.",
        b.axis("fio-randread", PluginKind.MAPPER, "exit", "ephmap", "kmap-local", "vmalloc", "mermap"), samples));
    out.add(new Section("Allocator strategies on kernel-build",
        "pageblock-migratetype flips whole pageblocks between sensitivities (a flip to nonsensitive zeroes 512 "
            + "pages, one to sensitive unmaps a PMD and shoots down every CPU); unmapped-pool keeps the sensitive "
            + "class in a separate cache refilled in 2 MiB blocks (pool_refills, pool_shrinks) and strands free "
            + "pages in it (pool_stranded_pages). Both run with the exit mapper and exit-always context switches.",
        b.axis("kernel-build", PluginKind.ALLOCATOR, "pageblock-migratetype", "unmapped-pool"), samples));
    // a 2 GiB machine: the servers get 512 MiB either way, and holding 15 GiB more for other tenants
    // would be most of this section's host time
    b.memory(2L << 30);
    b.set("workload.server-mix.ops", String.valueOf(SERVER_MIX_OPS));
    out.add(new Section(SERVER_MIX_TITLE,
        "Four servers with 32 MiB heaps read files of 150 % of their 512 MiB (kswapd evicts page cache all "
            + "the time: pgsteal_kswapd, and the page cache's radix_tree_node slabs go with it), map request "
            + "buffers and run short jobs (fork, exec, exit: task_struct, mm_struct and page tables, unmovable "
            + "and nonsensitive). pageblock-migratetype gives those nonsensitive requests whole sensitive "
            + "pageblocks, each zeroed (pageblock_flips_to_nonsensitive x 512 of pages_zeroed); unmapped-pool "
            + "refills its pool in 2 MiB blocks, each unmapped from the restricted direct map with a shootdown "
            + "(pool_refills = tlb_shootdowns), and the page cache reclaim frees goes back to the pool, where it "
            + "stays in fragments its shrinker cannot return (pool_stranded_pages, pool_shrinks): the zones "
            + "stay short, so kswapd evicts more (pgsteal_kswapd) and more reads miss. Transparent huge "
            + "pages are off here (workload.server-mix.thp); compaction never runs (its free memory stays in "
            + "whole pageblocks, and with THP on set_recommended_min_free_kbytes() keeps them so; below it the "
            + "strategies compact very differently: docs/workloads.md). "
            + "The last row pools the other class (pooled=nonsensitive: the kernel's own unmovable allocations "
            + "in the pool, user and page-cache memory in the main allocator, which then needs no shootdown "
            + "to unmap it).",
        serverMixStrategies(b), samples));
    out.add(thpSection(b, samples));
    out.add(compactionSection(b));
    b.memory(16L << 30);
    b.clearSets();
    addTraceSection(out, b, SHARED_TRACE, "Allocator strategies replaying a real allocation trace (" + SHARED_TRACE + ")",
        "The kmem:mm_page_alloc/mm_page_free events of a real `tar | gzip` run on Linux 6.18, replayed "
            + "through each strategy (pfns remapped; the GFP flags decide sensitivity): flips, zeroing, "
            + "shootdowns and fallbacks per strategy. The replay is deterministic, so one sample suffices.");
    addTraceSection(out, b, SLAB_TRACE, "Allocator strategies under slab caches replayed from real slab events ("
        + SLAB_TRACE + ")",
        "The kmem_cache_alloc/kmalloc/kmem_cache_free/kfree events of a real `find /usr` and `tar` on "
            + "Linux 6.18, replayed through the SLUB model: its slabs come from each strategy, and under the "
            + "ASI series' rule the reclaimable caches (dentries, inodes, buffer heads) are sensitive, the "
            + "rest not (nr_slab_reclaimable, nr_slab_unreclaimable). pageblock-migratetype flips the "
            + "pageblocks the nonsensitive slabs need and zeroes them (pages_zeroed); unmapped-pool refills "
            + "its sensitive pool in 2 MiB blocks, each refill a shootdown (pool_refills, tlb_shootdowns), "
            + "and strands the pool's free pages (pool_stranded_pages). No memory pressure here: the "
            + "strategies differ by what taking memory costs, not by fragmentation. Deterministic: one sample.");
    List<VariantConfig> flush = new ArrayList<>();
    b.set("machine.x86.cr3-noflush", "true");
    // half the default ops: the exposure scans every 16 ops (below) add about a third to this section's host time
    b.set("workload.kernel-build.ops", String.valueOf(FLUSH_SECTION_OPS));
    for (String mapper : new String[] {"ephmap", "vmalloc"}) {
      b.mapper(mapper);
      flush.addAll(b.axis("kernel-build", PluginKind.FLUSH, "local", "mm-global", "precise", "eager-global"));
    }
    b.mapper(null);
    b.clearSets();
    flush.replaceAll(v -> v.withExposureEvery(16)); // sampled finely: short exposures count too
    out.add(new Section("Flush policies: cost against leak exposure (kernel-build, ephmap and vmalloc, CR3 NOFLUSH)",
        "A leak exposure is a (CPU, sensitive frame) pair a CPU could still reach restricted, through a stale "
            + "TLB entry or a lingering alias, while its task has no right to read the frame "
            + "(leak_exposures; leak_exposure_cycles is how long). local flushes only the releasing CPU and "
            + "leaves stale entries behind after migrations and closes; mm-global and precise flush the CPUs "
            + "that may hold an mm's or a page's aliases when access is lost; eager-global shoots down every "
            + "CPU on every unmap. Compare leak_exposures with cycles_per_op and tlb_shootdown_ipis (with "
            + "--out, the cost-vs-exposure chart). CR3 writes keep their PCID's entries here (NOFLUSH): with "
            + "the posted flushing CR3 writes every asi_enter empties the restricted TLB and hides most of "
            + "the difference. Exposures are sampled every 16 ops (--exposure-every), over " + FLUSH_SECTION_OPS
            + " ops (half the default, to keep the showcase short: the scans still add about a third to this "
            + "section's host time).",
        flush, samples));
    List<VariantConfig> cs = new ArrayList<>();
    b.mapper("ephmap");
    b.set("mapper.ephmap.slots", "2"); // zeroing and copy-on-write need no exit: what remains is switches
    for (String policy : new String[] {"exit-always", "same-mm"}) {
      for (String noflush : new String[] {"false", "true"}) {
        b.set("machine.x86.cr3-noflush", noflush);
        cs.addAll(b.axis("kernel-build", PluginKind.CONTEXT_SWITCH, policy));
      }
    }
    b.clearSets();
    b.mapper(null);
    out.add(new Section("Context-switch policies and CR3 NOFLUSH on kernel-build",
        "exit-always (the posted code) exits ASI on every context_switch(), including switches to kernel "
            + "threads; same-mm stays restricted while the mm is unchanged. cr3-noflush=false is the posted "
            + "code (every ASI transition flushes the target PCID: watch tlb_misses); true keeps the entries. "
            + "Pages are zeroed and copied through ephmap with 2 slots here, so the exits left are those of "
            + "context switches, exec and the switches to kernel threads.",
        cs, samples));
    out.add(threadSection(b, samples));
    out.add(guestSection(b, samples));
    out.replaceAll(Showcase::namePolicies);
    return out;
  }

  /**
   * The section with its flush and context-switch policies in the title: sections that do not vary
   * them run the defaults, which a reader of a posted table could not otherwise tell.
   */
  static Section namePolicies(Section s) {
    return new Section(s.title() + " [flush " + used(s, PluginKind.FLUSH) + "; context switch "
        + used(s, PluginKind.CONTEXT_SWITCH) + "]", s.guide(), s.variants(), s.samples(), s.steps());
  }

  private static String used(Section s, PluginKind kind) {
    return String.join("/", s.variants().stream().map(v -> v.selected(kind)).distinct().toList());
  }

  /** Both strategies on server-mix, and the pool holding the nonsensitive class instead. */
  private static List<VariantConfig> serverMixStrategies(Builder b) {
    List<VariantConfig> vs = new ArrayList<>(b.axis("server-mix", PluginKind.ALLOCATOR, "pageblock-migratetype"));
    for (String pooled : new String[] {"sensitive", "nonsensitive"}) { // named in both rows' labels
      b.set("allocator.unmapped-pool.pooled", pooled);
      vs.addAll(b.axis("server-mix", PluginKind.ALLOCATOR, "unmapped-pool"));
    }
    b.unset("allocator.unmapped-pool.pooled");
    return vs;
  }

  /**
   * server-mix with 2 MiB request bursts, THP off and on, per allocator strategy: each THP value
   * has its own baseline (THP changes an ASI-off run too).
   */
  private static Section thpSection(Builder b, int samples) {
    List<VariantConfig> vs = new ArrayList<>();
    b.set("workload.server-mix.ops", String.valueOf(THP_SECTION_OPS));
    b.set("workload.server-mix.burst-pages", "512");
    for (String thp : new String[] {"never", "always"}) {
      b.set("workload.server-mix.thp", thp);
      vs.addAll(b.axis("server-mix", PluginKind.ALLOCATOR, "pageblock-migratetype", "unmapped-pool"));
    }
    // the caller clears the settings and resets the memory after this last server-mix section
    return new Section("Transparent huge pages and the allocator strategies: server-mix with 2 MiB request bursts",
        "The servers map, write and unmap 2 MiB every 16 requests; with thp=always each burst is one "
            + "order-9 folio (thp_fault_alloc) zeroed page by page through the zeroing site's mapper (the exit "
            + "mapper here): the first sensitive page exits ASI and the other 511 are zeroed unrestricted, so "
            + "asi_exits fall by about the 512 faults a burst no longer takes; the heaps are huge too, and the "
            + "TLB reaches them in 2 MiB entries (tlb_misses). Each THP value has its own ASI-off baseline. "
            + "unmapped-pool serves the sensitive order-9 requests from its pool (pool_refills, one shootdown "
            + "each); pageblock-migratetype from whole sensitive pageblocks. khugepaged sleeps 10 s between "
            + "scans, longer than these runs, and there is no deferred split (docs/workloads.md, \"Transparent huge "
            + "pages\"); each burst's blocks come back whole, so no fault "
            + "compacts (the next section does). " + THP_SECTION_OPS + " requests.",
        vs, samples);
  }

  /**
   * thp-frag (the compaction calibration) on the section's 2 GiB machine, scaled down: huge-page
   * faults past the free 2 MiB blocks compact directly. Deterministic (no random choice): one sample.
   */
  private static Section compactionSection(Builder b) {
    b.clearSets();
    b.set("workload.thp-frag.headroom", "256M");
    b.set("workload.thp-frag.thp-extra", "128M");
    List<VariantConfig> vs = new ArrayList<>(b.axis("thp-frag", PluginKind.ALLOCATOR, "pageblock-migratetype", "unmapped-pool"));
    return new Section("Compaction under fragmentation: huge-page faults on a heap with every other page returned (thp-frag)",
        "The real compaction calibration replayed (calibration/compact_frag.c): one process writes all free "
            + "memory but 256 MiB as 4 KiB pages and returns every page whose frame hashes odd (MADV_DONTNEED), "
            + "then faults an MADV_HUGEPAGE region 128 MiB larger than the free 2 MiB blocks, so its last 64 "
            + "huge-page faults compact directly (compact_stall, pgmigrate_success). Compaction copies each "
            + "page with both frames mapped; with the exit mapper each direct compaction exits ASI once, at its "
            + "first sensitive copy (asi_exit_sites.migrate), and a page moves only to a free page of its own "
            + "pageblock's sensitivity, so nothing flips. unmapped-pool holds the sensitive heap in its pool: "
            + "its pages are unmovable and the freed ones stay free in the pool, outside the zones compaction "
            + "works on, so its faults fall back to 4 KiB pages once the pool has no whole 2 MiB block "
            + "(thp_fault_fallback). docs/calibration.md, \"Compaction\", compares the full-size run with the "
            + "real kernel's counters.",
        vs, 1);
  }

  /**
   * The flush policies where threads share an mm on several CPUs: threaded-link's workers read
   * through one per-mm ephmap region, so a slot one CPU filled is reachable from the others.
   */
  private static Section threadSection(Builder b, int samples) {
    b.mapper("ephmap");
    b.set("machine.x86.cr3-noflush", "true");
    b.set("workload.threaded-link.ops", String.valueOf(THREAD_SECTION_OPS));
    List<VariantConfig> vs = new ArrayList<>(
        b.axis("threaded-link", PluginKind.FLUSH, "local", "mm-global", "precise", "eager-global"));
    b.clearSets();
    b.mapper(null);
    vs.replaceAll(v -> v.withExposureEvery(16));
    return new Section("Flush policies with threads: a parallel linker (threaded-link, ephmap, CR3 NOFLUSH)",
        "Four worker threads of one process on four CPUs read input files through the ephmap slots of "
            + "their mm's one region and map, write and unmap scratch buffers (each munmap a shootdown of the "
            + "other CPUs running the mm). The region is per mm, so every CPU running it can walk to a slot "
            + "another CPU filled: local drops a put slot only on its own CPU, and the other CPUs keep "
            + "translations their tasks have no right to (leak_exposures, sampled every 16 ops); mm-global "
            + "flushes the mm's cpumask when access is lost (more tlb_shootdowns), precise only the CPUs "
            + "whose record holds an alias of the frame, eager-global every CPU on every unmap. Compare "
            + "leak_exposures with cycles_per_op and tlb_shootdown_ipis. " + THREAD_SECTION_OPS + " items.",
        vs, samples);
  }

  /**
   * kernel-build on bare metal and as a KVM guest, with the posted flushing CR3 writes and with
   * NOFLUSH: each virt value has its own baseline (a guest's ASI-off run pays nested walks too).
   */
  private static Section guestSection(Builder b, int samples) {
    List<VariantConfig> vs = new ArrayList<>();
    b.set("workload.kernel-build.ops", String.valueOf(GUEST_SECTION_OPS));
    for (String virt : new String[] {"none", "kvm"}) {
      for (String noflush : new String[] {"false", "true"}) {
        b.set("machine.x86.virt", virt);
        b.set("machine.x86.cr3-noflush", noflush);
        vs.addAll(b.axis("kernel-build", PluginKind.ALLOCATOR, "pageblock-migratetype"));
      }
    }
    b.clearSets();
    return new Section("ASI in a KVM guest: kernel-build on bare metal and as a guest, flushing and NOFLUSH CR3 writes",
        "virt=kvm runs the same kernel as a guest: every TLB miss walks the host's nested tables too "
            + "(nested_walk_cycles: 19 host references per 4 KiB walk with the host's 2 MiB pages, against 4 "
            + "guest ones), and each tick costs two VM exits (vm_exits.timer, vm_exits.tsc_deadline). CR3 "
            + "writes, INVLPG, INVPCID, IBPB and the L1D flush do not exit, so ASI's transitions cost the "
            + "same; what grows is the price of the TLB refills they cause. With the posted flushing CR3 "
            + "writes ASI multiplies tlb_refills_user and tlb_refills_kernel, so its overhead over each "
            + "variant's own baseline is far larger in the guest; with NOFLUSH the refills left are the "
            + "kernel's, and the gap shrinks. kernel-build sends no IPIs here (vm_exits.ipi_*: 0); "
            + "mmap-munmap with spinner=true shows the IPI exits. " + GUEST_SECTION_OPS + " ops.",
        vs, samples);
  }

  /**
   * A section replaying {@code name} (relative to the repository root) through both allocator
   * strategies, one sample (the replay is deterministic); none when the file is not there.
   */
  private static void addTraceSection(List<Section> out, Builder b, String name, String title, String guide) {
    Path trace = traceFile(name);
    if (trace == null) {
      return;
    }
    b.set("workload.trace.file", trace.toString());
    out.add(new Section(title, guide, b.axis("trace", PluginKind.ALLOCATOR, "pageblock-migratetype", "unmapped-pool"), 1));
    b.clearSets();
  }

  /** A committed trace, found relative to the launcher's directory or the working directory. */
  private static Path traceFile(String name) {
    String home = System.getProperty("asisim.home");
    Path p = home != null ? Path.of(home).resolve(name) : Path.of(name);
    return Files.isReadable(p) ? p.toAbsolutePath().normalize() : null;
  }

  /** Builds variants that differ from the defaults in one plugin choice. */
  private static final class Builder {
    private final PluginRegistry registry;
    private final long seed;
    private final List<String> sets = new ArrayList<>();
    private String mapper;
    private long memory = 16L << 30;

    Builder(PluginRegistry registry, long seed) {
      this.registry = registry;
      this.seed = seed;
    }

    void set(String key, String value) {
      unset(key);
      sets.add(key + "=" + value);
    }

    /** Back to the plugin's default for {@code key} in the next variants. */
    void unset(String key) {
      sets.removeIf(s -> s.startsWith(key + "="));
    }

    /** Also select this mapper in the next variants ({@code null}: the default). */
    void mapper(String name) {
      mapper = name;
    }

    /** The memory of the next variants' machines. */
    void memory(long bytes) {
      memory = bytes;
    }

    void clearSets() {
      sets.clear();
    }

    List<VariantConfig> axis(String workload, PluginKind kind, String... names) {
      List<VariantConfig> vs = new ArrayList<>();
      for (String n : names) {
        if (!registry.has(kind, n) || !registry.has(PluginKind.WORKLOAD, workload)) {
          throw new BadInputException("showcase needs " + kind.id() + " '" + n + "' and workload '" + workload
              + "', which are not on the classpath");
        }
        Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
        sel.put(PluginKind.WORKLOAD, workload);
        sel.put(kind, n);
        Set<PluginKind> explicit = EnumSet.of(PluginKind.WORKLOAD, kind);
        if (mapper != null && kind != PluginKind.MAPPER) {
          sel.put(PluginKind.MAPPER, mapper);
          explicit.add(PluginKind.MAPPER);
        }
        vs.add(new VariantConfig(new MachineConfig(memory, 8, true), sel, explicit,
            Settings.parse(sets, registry), seed, 0));
      }
      return vs;
    }
  }
}
