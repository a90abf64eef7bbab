package io.asisim.sim.kernel;

import io.asisim.api.kernel.ContextSwitchPolicy;
import io.asisim.api.machine.AsiOps;
import io.asisim.api.machine.Machine;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.mapper.Mapper;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.plugin.SimContext;
import jakarta.inject.Provider;

/**
 * The layers of the simulated kernel, built once per variant bottom up (as {@code start_kernel()}
 * brings the subsystems up in order), for {@link SimKernel} to dispatch to: {@link TaskTable} (pids,
 * {@code task_struct}/{@code files_struct}), {@link AsiPlugins} (the selected mapper, flush and
 * context-switch policies), {@link Sched} (kernel/sched/core.c, the one context switch),
 * {@link Highmem} (sensitive touches, include/linux/highmem.h), {@link Vmscan} (mm/vmscan.c),
 * {@link KernelSlab} (the kernel's objects in SLUB caches, mm/slub.c),
 * {@link Memory} (mm/memory.c faults), {@link HugeMemory} and {@link Khugepaged} (mm/huge_memory.c,
 * mm/khugepaged.c), {@link Mmap} with {@link MmuGather} (mm/mmap.c,
 * mm/mmu_gather.c), {@link FileMap} (fs/open.c, fs/read_write.c, mm/filemap.c, mm/shmem.c) with {@link Namei}
 * (fs/namei.c, fs/stat.c), {@link Signal} (kernel/signal.c), {@link Futex} (kernel/futex),
 * {@link Fork}, {@link Exec}, {@link Exit} (kernel/fork.c, fs/exec.c, kernel/exit.c), {@link Wait}
 * (wait4), {@link Pipe} (fs/pipe.c) and the checker's {@link CheckView}. See
 * docs/kernel-map-engine.md. Building registers the kernel's ASI exit sites and counters, in this
 * order (the run JSON lists them so), and has no other side effect.
 */
final class KernelInit {
  final Machine machine;
  final PageAllocator allocator;
  final TaskTable tasks;
  final AsiPlugins plugins;
  final Sched sched;
  final Highmem highmem;
  final Vmscan vmscan;
  final KernelSlab slab;
  final Memory memory;
  final HugeMemory huge;
  final ShmemHuge shmem;
  final Hugetlb hugetlb;
  /** The page migration the allocator was given (tests ask it what it would move). */
  final Migrate migration;
  final Khugepaged khugepaged;
  final Modules modules;
  final MemoryBlocks memoryBlocks;
  final Mmap mmap;
  final FileMap files;
  final Namei namei;
  final Signal signal;
  final Futex futex;
  final Fork fork;
  final Exec exec;
  final Exit exit;
  final Wait wait;
  final Pipe pipes;
  final KernelView view;
  final Kvm kvm;

  KernelInit(SimContext ctx, Provider<Mapper> mapper, Provider<FlushPolicy> flush, Provider<ContextSwitchPolicy> cs) {
    this.machine = ctx.machine();
    this.allocator = ctx.allocator();
    AsiOps asi = machine.asi();
    int siteUser = asi.exitSite("user_access");
    int[] highmemSites = new int[AccessSite.values().length];
    for (AccessSite s : AccessSite.values()) {
      highmemSites[s.ordinal()] = asi.exitSite(s.exitSite());
    }
    int siteContextSwitch = asi.exitSite("context_switch");
    int siteExec = asi.exitSite("exec");
    KernelCounters counters = KernelCounters.register(ctx.metrics());

    this.tasks = new TaskTable(machine.nrCpus());
    this.plugins = AsiPlugins.forVariant(ctx, mapper, flush, cs, counters.accessLosses());
    this.sched = new Sched(machine, tasks, plugins, counters, siteContextSwitch);
    this.highmem = new Highmem(machine, plugins, highmemSites);
    PageCache cache = new PageCache();
    MapCount mapCount = new MapCount();
    this.vmscan = new Vmscan(machine, allocator, cache, tasks, plugins, counters, sched);
    this.slab = new KernelSlab(machine.nrCpus(), vmscan, allocator, ctx.sensitivity(), ctx.metrics());
    vmscan.attachSlab(slab);
    this.modules = new Modules(machine, vmscan);
    this.memoryBlocks = new MemoryBlocks(machine, allocator, ctx.metrics());
    this.huge = new HugeMemory(machine, allocator, highmem, vmscan, mapCount, plugins, tasks, ctx.metrics());
    vmscan.registerShrinker(huge::deferredSplitScan); // thp_shrinker_init(): the deferred split shrinker
    this.memory = new Memory(machine, allocator, highmem, vmscan, mapCount, plugins, counters, siteUser, huge);
    this.khugepaged = new Khugepaged(machine, vmscan, highmem, huge, mapCount, plugins, sched, ctx.metrics(),
        new MmuGather(machine.tlb(), allocator));
    this.mmap = new Mmap(machine, mapCount, new MmuGather(machine.tlb(), allocator), plugins, sched, slab, huge,
        khugepaged);
    this.namei = new Namei(machine, cache);
    this.shmem = new ShmemHuge(machine, vmscan, allocator, cache, slab, tasks, ctx.metrics());
    this.files = new FileMap(machine, cache, namei, tasks, highmem, memory, plugins, slab, shmem);
    this.signal = new Signal(machine);
    this.futex = new Futex(machine);
    this.fork = new Fork(machine, tasks, mapCount, sched, counters, slab, huge, khugepaged);
    this.wait = new Wait(machine, tasks, sched);
    this.pipes = new Pipe(machine, tasks, sched, highmem, memory, vmscan, plugins, counters);
    this.exit = new Exit(machine, tasks, files, sched, mmap, pipes, wait, slab);
    this.exec = new Exec(machine, tasks, sched, mmap, memory, exit, counters, siteExec, slab);
    this.kvm = new Kvm(machine, tasks, sched, memory, ctx.metrics());
    this.hugetlb = new Hugetlb(allocator);
    this.migration = new Migrate(machine, tasks, cache, mapCount, highmem, plugins, huge, vmscan, shmem,
        hugetlb);
    allocator.attachMigration(migration);
    // the tmpfs superblock's shrinker (super_cache_scan() -> shmem_unused_huge_scan())
    vmscan.registerShrinker(shmem::unusedHugeShrink);
    vmscan.kcompactd().start(0); // kcompactd_run(): its first timeout, now that the allocator can compact
    this.view = new CheckView(tasks, files, pipes, plugins, highmem, memory, mapCount, slab, cache);
  }
}
