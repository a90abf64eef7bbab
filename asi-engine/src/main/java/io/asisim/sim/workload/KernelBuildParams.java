package io.asisim.sim.workload;

/**
 * Parameters of {@link KernelBuildWorkload}; see {@link KernelBuildPlugin} for defaults and their
 * provenance (docs/workloads.md).
 */
record KernelBuildParams(
    long ops,
    int jobs,
    int sourceFiles,
    int pagesPerSource,
    int filesPerJob,
    int anonPages,
    int cowPages,
    int kernelAllocs,
    int objectPages,
    long buildMemory,
    int kthreadEvery,
    int burst,
    int migrateOneIn,
    long userCyclesPerUnit,
    int pipePages,
    int userL1dFill) {}
