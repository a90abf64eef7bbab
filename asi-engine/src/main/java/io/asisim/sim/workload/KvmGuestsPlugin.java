package io.asisim.sim.workload;

import com.google.auto.service.AutoService;
import io.asisim.api.kernel.Workload;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import java.util.List;

/**
 * Registers {@link KvmGuestsWorkload} as {@code kvm-guests}: VMM processes whose vCPU threads run
 * their guests from the KVM ASI class's restricted space. The exit mix and timings are estimates
 * (this machine is a guest and cannot measure its host's exits); docs/workloads.md.
 */
@AutoService(Plugin.class)
public final class KvmGuestsPlugin implements Plugin<Workload> {
  @Override
  public PluginKind kind() {
    return PluginKind.WORKLOAD;
  }

  @Override
  public String name() {
    return "kvm-guests";
  }

  @Override
  public String description() {
    return "KVM host: guests as VMM processes whose vCPU threads enter the guest from the KVM ASI class (EPT, MSR, HLT, I/O exits)";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.integer("ops", 50_000, 1, Long.MAX_VALUE, "VM entries, one exit each"),
        ParamSpec.integer("guests", 2, 1, 4096, "guests (VMM processes)"),
        ParamSpec.integer("vcpus", 2, 1, 4096, "vCPU threads per guest, placed round robin over the CPUs"),
        ParamSpec.size("guest-memory", "64M", 4096, 1L << 40, "RAM per guest, backed on first touch (EPT violations)"),
        ParamSpec.integer("guest-cycles", 20_000, 0, 1_000_000_000,
            "estimate: cycles in the guest between exits (about 8 us at 2.4 GHz)"),
        ParamSpec.integer("msr-percent", 50, 0, 100, "estimate: exits that are fast-path MSR writes (TSC deadline, x2APIC)"),
        ParamSpec.integer("hlt-percent", 15, 0, 100, "estimate: exits that are HLT (the vCPU idles)"),
        ParamSpec.integer("io-percent", 5, 0, 100, "estimate: exits to the VMM for device emulation"),
        ParamSpec.integer("ipi-percent", 5, 0, 100, "estimate: exits for an IPI to the guest's next vCPU "
            + "(wakes it if halted, kicks it out of its guest if it runs on another CPU); the rest are EPT "
            + "violations while unbacked pages remain"),
        ParamSpec.integer("halt-ops", 2, 0, 1_000_000, "ops a halted vCPU sleeps before the interrupt that wakes it"),
        ParamSpec.integer("vmm-user-cycles", 10_000, 0, 1_000_000_000,
            "estimate: user cycles of the VMM emulating a device per I/O exit"));
  }

  @Override
  public Workload create(Params p, SimContext ctx) {
    long pages = p.getLong("guest-memory") / 4096;
    if (pages > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("guest-memory " + p.getLong("guest-memory") + ": at most 8T");
    }
    return new KvmGuestsWorkload(new KvmGuestsParams(p.getLong("ops"), p.getInt("guests"), p.getInt("vcpus"),
        (int) pages, p.getLong("guest-cycles"), p.getInt("msr-percent"), p.getInt("hlt-percent"),
        p.getInt("io-percent"), p.getInt("ipi-percent"), p.getInt("halt-ops"), p.getLong("vmm-user-cycles")));
  }
}
