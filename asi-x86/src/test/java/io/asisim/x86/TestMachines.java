package io.asisim.x86;

import io.asisim.api.machine.CpuProfile;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.metrics.Metrics;
import io.asisim.fixtures.BumpTablePages;
import io.asisim.x86.profile.CpuProfilePlugin;
import io.asisim.x86.profile.SapphireRapidsIbpbProfile;
import io.asisim.x86.profile.SapphireRapidsProfile;
import io.asisim.x86.profile.SkylakeL1tfProfile;
import io.asisim.x86.profile.Zen4Profile;

/** Builds small machines for tests, with a bump table-page source from the top of memory. */
final class TestMachines {
  private TestMachines() {}

  static CpuProfilePlugin plugin(String name) {
    switch (name) {
      case "sapphire-rapids": return new SapphireRapidsProfile();
      case "sapphire-rapids-ibpb": return new SapphireRapidsIbpbProfile();
      case "zen4": return new Zen4Profile();
      case "skylake-l1tf": return new SkylakeL1tfProfile();
      default: throw new IllegalArgumentException(name);
    }
  }

  static X86Machine build(String profile, long memory, int cpus, boolean asi, X86Options opts, Metrics metrics) {
    return build(plugin(profile).defaults(), memory, cpus, asi, opts, metrics);
  }

  static X86Machine build(CpuProfile profile, int cpus, boolean asi, Metrics metrics) {
    return build(profile, 64L << 20, cpus, asi, X86Options.DEFAULT, metrics);
  }

  static X86Machine build(CpuProfile profile, long memory, int cpus, boolean asi, X86Options opts, Metrics metrics) {
    X86Machine m = new X86Machine(new MachineConfig(memory, cpus, asi), profile, metrics, opts);
    m.setTablePageSource(BumpTablePages.aboveBootReservation(m));
    return m;
  }

  static X86Machine build(String profile, int cpus, boolean asi, Metrics metrics) {
    return build(profile, 64L << 20, cpus, asi, X86Options.DEFAULT, metrics);
  }
}
