package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.asisim.api.kernel.Kernel;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.wiring.VariantModule;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The calibration behind the body constants of the kernel-build system calls and faults
 * ({@link MmCosts}, {@link VfsCosts}, {@link KernelCosts#EXEC_ENOENT}, {@link KernelCosts#SIGACTION},
 * {@link FaultCosts#FILE_READ_FAULT}, {@link FaultCosts#COW_FAULT}): each call measured by
 * {@code calibration/microbench.c} group {@code kbsys} is replayed on the calibration machine's
 * profile and must cost exactly its measured median (TSC ticks,
 * calibration/data/vm-20261202/summary.properties), since each body is that median less what the
 * model charges around it (found by the same replay with the body at zero).
 */
class KbsysCostTest {
  private SimKernel k;
  private Machine m;
  private int p;

  @Test
  void everyMeasuredCallCostsItsMedian() {
    String profile = Path.of("..", "calibration", "profiles", "kvm-zen4-2vcpu.properties").toString();
    PluginRegistry reg = PluginRegistry.discover();
    assertThat(reg.has(PluginKind.CPU_PROFILE, profile)).isTrue();
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.CPU_PROFILE, profile);
    VariantConfig c = new VariantConfig(new MachineConfig(256L << 20, 1, false), sel, Set.of(), Settings.none(), 1, 0);
    Injector inj = Guice.createInjector(new VariantModule(c, reg));
    k = inj.getInstance(SimKernel.class);
    m = inj.getInstance(Machine.class);
    p = k.spawn();
    int header = k.createFile(1, true);
    int map64k = k.createFile(16, true);
    int fd = k.open(p, map64k);
    k.read(p, fd, 0, 16); // the benchmark wrote the file: cached
    k.close(p, fd);
    fd = k.open(p, header);
    k.read(p, fd, 0, 1);
    k.close(p, fd);

    Map<String, Long> model = new LinkedHashMap<>();
    Map<String, Long> measured = new LinkedHashMap<>();
    measured.put("newfstatat_existing", 3170L);
    model.put("newfstatat_existing", cost(x -> k.stat(p, header)));
    measured.put("newfstatat_missing_enoent", 2210L);
    model.put("newfstatat_missing_enoent", cost(x -> k.stat(p, Kernel.NO_FILE)));
    measured.put("openat_missing_enoent", 3560L);
    model.put("openat_missing_enoent", cost(x -> k.open(p, Kernel.NO_FILE)));
    int[] fds = new int[1];
    measured.put("openat_existing", 4376L);
    model.put("openat_existing", cost(x -> fds[0] = k.open(p, header)));
    measured.put("close", 1640L);
    model.put("close", cost(x -> k.close(p, fds[0])));
    measured.put("rt_sigaction", 557L);
    model.put("rt_sigaction", cost(x -> k.sigaction(p)));
    long[] va = new long[1];
    measured.put("mmap_anon_8p_untouched", 3412L);
    model.put("mmap_anon_8p_untouched", cost(x -> va[0] = k.mmapAnon(p, 8)));
    measured.put("munmap_anon_8p_untouched", 6476L);
    model.put("munmap_anon_8p_untouched", cost(x -> k.munmap(p, va[0], 8)));
    long r = k.mmapAnon(p, 16);
    measured.put("mprotect_split_4of16p", 7638L);
    model.put("mprotect_split_4of16p", cost(x -> k.mprotect(p, r, 4)));
    measured.put("brk_grow_shrink_132k_per_call", 6350L);
    model.put("brk_grow_shrink_132k_per_call", cost(x -> {
      k.brk(p, 33);
      k.brk(p, -33);
    }) / 2);
    measured.put("readlink_not_symlink_einval", 3201L);
    model.put("readlink_not_symlink_einval", cost(x -> k.readlink(p, header)));
    measured.put("execve_missing_enoent", 4014L);
    model.put("execve_missing_enoent", cost(x -> k.execMissing(p)));

    // file faults: the benchmark maps, touches and unmaps the cached 64 KiB file in every repetition
    long warm = k.mmapFile(p, map64k, 16);
    k.touch(p, warm, false);
    k.munmap(p, warm, 16);
    long ro = k.mmapFile(p, map64k, 16);
    measured.put("fault_file_read_faultaround_first_touch", 8554L);
    model.put("fault_file_read_faultaround_first_touch", cost(x -> k.touch(p, ro, false)));
    long rw = k.mmapFile(p, map64k, 16);
    measured.put("fault_file_private_write_cow_per_page", 5432L);
    model.put("fault_file_private_write_cow_per_page", cost(x -> {
      for (int i = 0; i < 16; i++) {
        k.touch(p, rw + ((long) i << 12), true);
      }
    }) / 16);

    long an = k.mmapAnon(p, 256);
    measured.put("anon_write_fault_run2", 3066L); // vm-20261201-run2: fault.anon_write_4k_nohugepage
    model.put("anon_write_fault_run2", cost(x -> {
      for (int i = 0; i < 256; i++) {
        k.touch(p, an + ((long) i << 12), true);
      }
    }) / 256);
    measured.put("munmap_touched_per_page_run2", 552L); // vm-20261201-run2: munmap.touched_4k_per_page_1thread
    model.put("munmap_touched_per_page_run2", Math.round(cost(x -> k.munmap(p, an, 256)) / 256.0));
    // exit teardown: (exit of a child with 4096 touched pages - with 1) / 4095
    long big = exitCost(4096);
    long small = exitCost(1);
    measured.put("exit_teardown_per_page", 954L);
    model.put("exit_teardown_per_page", Math.round((big - small) / 4095.0));
    assertThat(model).isEqualTo(measured);
  }

  private long exitCost(int pages) {
    int child = k.fork(p);
    long heap = k.mmapAnon(child, pages);
    for (int i = 0; i < pages; i++) {
      k.touch(child, heap + ((long) i << 12), true);
    }
    long t = cost(x -> k.exit(child));
    k.wait4(p);
    return t;
  }

  private long cost(Consumer<Void> call) {
    long t0 = m.cycles(0);
    call.accept(null);
    return m.cycles(0) - t0;
  }
}
