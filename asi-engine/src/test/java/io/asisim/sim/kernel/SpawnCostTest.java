package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.wiring.VariantModule;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The calibration behind {@code KernelCosts.EXEC_BASE}: the measured {@code posix_spawn(/bin/true)}
 * + {@code waitpid()} on the calibration machine's profile, modelled step by step.
 */
class SpawnCostTest {
  /** calibration/data/vm-20261201-run2/summary.properties: spawn.posix_spawn_bin_true_wait.median_tsc. */
  static final long MEASURED = 1_447_667;

  @Test
  void posixSpawnOfBinTrueCostsWhatWasMeasuredLessItsUserTime() {
    String profile = Path.of("..", "calibration", "profiles", "kvm-zen4-2vcpu.properties").toString();
    PluginRegistry reg = PluginRegistry.discover();
    assertThat(reg.has(PluginKind.CPU_PROFILE, profile)).isTrue(); // loads the file
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.CPU_PROFILE, profile);
    VariantConfig c = new VariantConfig(new MachineConfig(256L << 20, 1, false), sel, Set.of(), Settings.none(), 1, 0);
    Injector inj = Guice.createInjector(new VariantModule(c, reg));
    SimKernel k = inj.getInstance(SimKernel.class);
    Machine m = inj.getInstance(Machine.class);
    int parent = k.spawn();
    int trueBin = k.createFile(49 + 6, true);
    int ldcache = k.createFile(9, true);
    spawnTrue(k, parent, trueBin, ldcache); // warms the page cache, as the benchmark's repetitions did
    long t0 = m.cycles(0);
    spawnTrue(k, parent, trueBin, ldcache);
    long model = m.cycles(0) - t0;
    assertThat(model).isEqualTo(MEASURED - KernelCosts.BIN_TRUE_USER);
  }

  /**
   * glibc's {@code posix_spawn()} (a 9-page stack mapped around {@code clone3(CLONE_VM|CLONE_VFORK)},
   * the signal mask blocked and restored, and in the child 122 {@code rt_sigaction()}s resetting the
   * handlers and 2 {@code rt_sigprocmask()}s), the exec of a coreutils program (the faults of
   * {@code nice} in the unit trace: 55 file-backed, 6 of them data writes, 16 anonymous, and
   * ld.so.cache), ld.so's and libc's start-up calls, exit, wait4. The system calls are those of
   * {@code strace -f} of {@code posix_spawn("/bin/true")} + {@code waitpid()} on the calibration
   * machine (child: 122 rt_sigaction, 2 rt_sigprocmask, execve, brk, 8 mmap, access (ENOENT), 2
   * openat, 2 newfstatat, read, 2 pread64, 2 close, 3 mprotect, munmap, arch_prctl,
   * set_tid_address, set_robust_list, rseq, prlimit64, exit_group; parent: mmap, 2
   * rt_sigprocmask, clone3, munmap, wait4), so that {@code KernelCosts.EXEC_BASE} excludes them:
   * the kernel-build unit issues them itself (KernelBuildSyscalls).
   */
  private static void spawnTrue(SimKernel k, int parent, int file, int ldcache) {
    long stack = k.mmapAnon(parent, 9);
    k.syscall(parent); // rt_sigprocmask(SIG_BLOCK)
    int c = k.vfork(parent);
    for (int i = 0; i < 122; i++) {
      k.sigaction(c);
    }
    k.syscall(c);
    k.syscall(c); // rt_sigprocmask x 2
    k.exec(c, file, 55);
    k.brk(c, 0);
    k.stat(c, io.asisim.api.kernel.Kernel.NO_FILE); // access("/etc/ld.so.preload")
    int fd = k.open(c, ldcache);
    k.stat(c, ldcache);
    long va = k.mmapFile(c, ldcache, 9);
    k.close(c, fd);
    k.touch(c, va, false);
    k.touch(c, va + 4096, false);
    fd = k.open(c, file); // libc
    for (int i = 0; i < 3; i++) {
      k.read(c, fd, 0, 1); // read of the ELF header, 2 pread64s of the program headers
    }
    k.stat(c, file);
    long libs = k.mmapAnon(c, 8); // libc's segments (their pages are in the program's file mapping)
    for (int i = 0; i < 5; i++) {
      k.mmapAnon(c, 8); // ... and ld.so's other mappings
    }
    k.close(c, fd);
    for (int i = 0; i < 3; i++) {
      k.mprotect(c, libs + ((long) i << 12), 1); // RELRO of libc, the program, ld.so
    }
    k.munmap(c, va, 9);
    for (int i = 0; i < 5; i++) {
      k.syscall(c); // arch_prctl, set_tid_address, set_robust_list, rseq, prlimit64
    }
    for (int i = 0; i < 49; i++) {
      k.touch(c, io.asisim.api.kernel.Kernel.TEXT_BASE + ((long) i << 12), false);
    }
    for (int i = 49; i < 55; i++) {
      k.touch(c, io.asisim.api.kernel.Kernel.TEXT_BASE + ((long) i << 12), true);
    }
    long heap = k.mmapAnon(c, 16);
    for (int i = 0; i < 16; i++) {
      k.touch(c, heap + ((long) i << 12), true);
    }
    k.munmap(parent, stack, 9); // the parent runs again once the child has exec'd
    k.syscall(parent); // rt_sigprocmask(SIG_SETMASK)
    k.wait4(parent);
    k.exit(c);
  }
}
