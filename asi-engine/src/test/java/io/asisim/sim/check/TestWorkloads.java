package io.asisim.sim.check;

import io.asisim.api.kernel.Kernel;
import io.asisim.api.kernel.Workload;
import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.Machine;
import io.asisim.api.mm.Gfp;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import java.util.List;
import java.util.SplittableRandom;

/** Randomized workloads for the checker tests (test scope). */
final class TestWorkloads {
  private TestWorkloads() {}

  /**
   * {@code access-churn}: processes open, read, close and re-open small tmpfs files, touch their
   * buffers and migrate between CPUs at random — the pattern in which a process loses logical
   * access to a page whose alias another CPU may still cache.
   */
  static Plugin<Workload> accessChurn() {
    return new Plugin<>() {
      @Override public PluginKind kind() { return PluginKind.WORKLOAD; }
      @Override public String name() { return "access-churn"; }
      @Override public String description() { return "random open/read/close/migrate of processes over small files"; }
      @Override public List<ParamSpec> params() {
        return List.of(ParamSpec.integer("ops", 2000, 1, Long.MAX_VALUE, "ops"),
            ParamSpec.integer("procs", 6, 1, 64, "processes"), ParamSpec.integer("files", 12, 1, 1000, "files"));
      }
      @Override public Workload create(Params p, SimContext ctx) {
        long ops = p.getLong("ops");
        int procs = p.getInt("procs");
        int files = p.getInt("files");
        return new Workload() {
          private final int[] pid = new int[procs];
          private final int[][] fd = new int[procs][4];
          private final int[] fileIds = new int[files];

          @Override public long ops() { return ops; }

          @Override public void setUp(Kernel k) {
            for (int f = 0; f < files; f++) {
              fileIds[f] = k.createFile(8, false);
            }
            for (int i = 0; i < procs; i++) {
              pid[i] = k.spawn();
              java.util.Arrays.fill(fd[i], -1);
            }
            // write the files: reading a tmpfs hole copies ZERO_PAGE and caches nothing
            for (int f = 0; f < files; f++) {
              int w = k.open(pid[0], fileIds[f]);
              k.write(pid[0], w, 0, 8);
              k.close(pid[0], w);
            }
          }

          @Override public void step(Kernel k, long index) {
            SplittableRandom r = k.random();
            int i = r.nextInt(procs);
            int slot = r.nextInt(4);
            switch (r.nextInt(6)) {
              case 0 -> {
                if (fd[i][slot] < 0) {
                  fd[i][slot] = k.open(pid[i], fileIds[r.nextInt(files)]);
                }
              }
              case 1 -> {
                if (fd[i][slot] >= 0) {
                  k.close(pid[i], fd[i][slot]);
                  fd[i][slot] = -1;
                }
              }
              case 2 -> k.migrate(pid[i], r.nextInt(k.nrCpus()));
              default -> {
                if (fd[i][slot] >= 0) {
                  k.read(pid[i], fd[i][slot], r.nextInt(8), 1 + r.nextInt(2));
                }
              }
            }
          }
        };
      }
    };
  }

  /**
   * {@code compact-churn}: a process whose 64 MiB heap has every other page returned
   * ({@code MADV_DONTNEED}) while every free 2 MiB block is held elsewhere; a second thread on
   * another CPU reads the heap's lowest kept pages over and over (their translations stay cached
   * there), and op {@code ops / 2} faults a huge page with {@code defrag=always}, which compacts and
   * moves those pages under the reader.
   */
  static Plugin<Workload> compactChurn() {
    return new Plugin<>() {
      @Override public PluginKind kind() { return PluginKind.WORKLOAD; }
      @Override public String name() { return "compact-churn"; }
      @Override public String description() { return "a fragmented heap read by a second thread while a THP fault compacts"; }
      @Override public List<ParamSpec> params() {
        return List.of(ParamSpec.integer("ops", 400, 2, Long.MAX_VALUE, "ops"));
      }
      @Override public Workload create(Params p, SimContext ctx) {
        long ops = p.getLong("ops");
        int heapPages = 16384;
        return new Workload() {
          private int pid;
          private int reader;
          private long heap;

          @Override public long ops() { return ops; }

          @Override public void setUp(Kernel k) {
            pid = k.spawn();
            heap = k.mmapAnon(pid, heapPages);
            for (int i = 0; i < heapPages; i++) {
              k.touch(pid, heap + ((long) i << 12), true);
            }
            while (k.allocPages(k.cpuOf(pid), 9, io.asisim.api.mm.Gfp.GFP_KERNEL | io.asisim.api.mm.Gfp.__GFP_MEMALLOC) >= 0) {
              // every free pageblock held by the rest of the system
            }
            for (int i = 1; i < heapPages; i += 2) {
              k.madviseDontneed(pid, heap + ((long) i << 12), 1);
            }
            reader = k.cloneThread(pid);
            if (k.cpuOf(reader) == k.cpuOf(pid)) {
              k.migrate(reader, (k.cpuOf(pid) + 1) % k.nrCpus());
            }
            k.setTransparentHugepage(Kernel.THP_ALWAYS);
            k.setThpDefrag(Kernel.THP_DEFRAG_ALWAYS);
          }

          @Override public void step(Kernel k, long index) {
            if (index == ops / 2) {
              k.touch(pid, k.mmapAnon(pid, 1024), true);
            } else {
              k.touch(reader, heap + ((index * 2 % 512) << 12), false);
            }
          }
        };
      }
    };
  }

  /**
   * {@code flip-churn}: alternating phases that fill most of memory with nonsensitive kernel pages
   * (touched through the direct map by a CPU running restricted) and then with sensitive user
   * pages, so that pageblocks flip in both directions.
   */
  static Plugin<Workload> flipChurn() {
    return new Plugin<>() {
      @Override public PluginKind kind() { return PluginKind.WORKLOAD; }
      @Override public String name() { return "flip-churn"; }
      @Override public String description() { return "phases of nonsensitive then sensitive pressure: flips both ways"; }
      @Override public List<ParamSpec> params() {
        return List.of(ParamSpec.integer("ops", 240, 1, Long.MAX_VALUE, "ops"),
            ParamSpec.integer("batch", 256, 1, 1 << 20, "pages allocated per op"),
            ParamSpec.integer("phase", 60, 1, 1 << 20, "ops per phase"));
      }
      @Override public Workload create(Params p, SimContext ctx) {
        long ops = p.getLong("ops");
        int batch = p.getInt("batch");
        int phase = p.getInt("phase");
        Machine machine = ctx.machine();
        return new Workload() {
          private long[] held = new long[1 << 14];
          private int nHeld;

          @Override public long ops() { return ops; }

          @Override public void setUp(Kernel k) {
            for (int c = 0; c < k.nrCpus(); c++) {
              k.spawn(); // a restricted task per CPU, so kernel touches fill restricted TLB entries
            }
          }

          @Override public void step(Kernel k, long index) {
            boolean sensitive = (index / phase) % 2 == 1;
            if (index % phase == 0) {
              for (int j = 0; j < nHeld; j++) {
                k.freePages((int) (j % k.nrCpus()), held[j], 0);
              }
              nHeld = 0;
            }
            int cpu = (int) (index % k.nrCpus());
            int gfp = sensitive ? Gfp.GFP_HIGHUSER_MOVABLE : Gfp.GFP_KERNEL;
            for (int j = 0; j < batch; j++) {
              long pfn = k.allocPages(cpu, 0, gfp);
              if (pfn < 0) {
                return;
              }
              if (nHeld == held.length) {
                held = java.util.Arrays.copyOf(held, nHeld * 2);
              }
              held[nHeld++] = pfn;
              if (!sensitive && j % 16 == 0) {
                machine.tlb().access(cpu, AddressSpaces.directMapVa(pfn), false, 0); // a kernel read, restricted
              }
            }
          }
        };
      }
    };
  }
}
