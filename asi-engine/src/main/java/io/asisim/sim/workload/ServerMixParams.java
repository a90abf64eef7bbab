package io.asisim.sim.workload;

/**
 * The parameters of {@link ServerMixWorkload} ({@code server-mix}), as {@link ServerMixPlugin}
 * declares them.
 *
 * @param ops requests
 * @param serverMemory bytes of the machine the servers get (the rest is other tenants')
 * @param servers long-running server processes
 * @param threads threads per server process, serving its requests in turn
 * @param heapPages anonymous heap pages each server writes at start and keeps writing
 * @param files disk-backed files the servers read
 * @param filePercent their total size, in percent of server-memory (above 100: reclaim runs all the time)
 * @param readPages pages one request reads
 * @param heapWrites heap pages one request writes
 * @param userCycles a request's (and a job's) user time, in cycles
 * @param burstEvery every this many requests a burst of anonymous memory (0: none)
 * @param burstPages pages of a burst
 * @param jobEvery every this many requests a short-lived job (0: none)
 * @param jobPages anonymous pages a job writes
 * @param moduleEvery every this many requests a server loads a module and unloads its previous one (0: none)
 * @param modulePages pages of such a module
 * @param thp {@code transparent_hugepage/enabled} for the run ({@code Kernel.THP_*}); with
 *     {@code madvise} the servers madvise their heaps {@code MADV_HUGEPAGE}
 * @param thpDefrag {@code transparent_hugepage/defrag} ({@code Kernel.THP_DEFRAG_*})
 * @param thpShrinkUnderused {@code transparent_hugepage/shrink_underused}, written when THP is
 *     enabled and it is not the kernel's default (true)
 * @param heapPurgePages heap pages a request returns with {@code madvise(MADV_DONTNEED)} at random
 *     (a user-space allocator purging freed pages; later writes fault them in again)
 * @param rebuildEvery every this many requests the server in turn drops its heap and builds a new
 *     one (a restart, a cache rebuilt): {@code munmap()}, {@code mmap()}, {@code MADV_HUGEPAGE}
 *     with {@code thp=madvise}, every page written (0: never)
 * @param cmaEvery every this many requests a device driver allocates a CMA buffer
 *     ({@code dma_alloc_contiguous()}), freed half that many requests later (0: never)
 * @param cmaPages pages of such a buffer (a multiple of a pageblock)
 * @param zipfTheta 0 for uniformly random reads; else fio's {@code random_distribution=zipf:THETA}
 *     over the files' {@code read-pages} runs ({@link Zipf})
 * @param khugepaged the {@code khugepaged/} tunables, written when THP is enabled and they differ
 *     from the kernel's defaults
 * @param hotplugEvery every this many requests the top memory block (ZONE_MOVABLE's, with the
 *     allocator's {@code movablecore}) is hot-removed, or added back if it was (0: never)
 */
record ServerMixParams(long ops, long serverMemory, int servers, int threads, int heapPages, int files, int filePercent, int readPages, int heapWrites,
    long userCycles, int burstEvery, int burstPages, int jobEvery, int jobPages, int moduleEvery, int modulePages,
    int thp, int thpDefrag, boolean thpShrinkUnderused, int heapPurgePages, int rebuildEvery, int cmaEvery, int cmaPages, double zipfTheta,
    io.asisim.api.kernel.KhugepagedTunables khugepaged, int hotplugEvery) {}
