package io.asisim.x86;

import com.google.auto.service.AutoService;
import io.asisim.api.machine.Machine;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import java.util.List;

/**
 * Registers {@link X86Machine} as machine {@code x86}. Its parameters are the {@link X86Options}:
 * knobs of the simulated kernel/arch code that are not CPU properties, e.g.
 * {@code --set machine.x86.cr3-noflush=true}.
 */
@AutoService(Plugin.class)
public final class X86MachinePlugin implements Plugin<Machine> {
  private static final X86Options D = X86Options.DEFAULT;

  @Override
  public PluginKind kind() {
    return PluginKind.MACHINE;
  }

  @Override
  public String name() {
    return "x86";
  }

  @Override
  public String description() {
    return "x86-64: 4-level page tables, PCID-tagged TLBs, IPI shootdowns, ASI enter/exit with taints";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.bool("cr3-noflush", D.cr3NoFlush(), "ASI transitions write CR3 with NOFLUSH (keep the target "
            + "PCID's entries); false = the posted ASI code, which flushes on every transition"),
        ParamSpec.integer("mm-local-slots", D.mmLocalSlotsPerCpu(), 1, 64,
            "mm-local (ephmap) slots per CPU per mm, page tables preallocated at mm setup"),
        ParamSpec.size("kernel-image", ParamSpec.formatSize(D.kernelImageBytes()), 0, 1L << 32,
            "memory memblock reserves at boot for kernel image and early allocations (estimate)"),
        ParamSpec.integer("spare-table-pages", D.spareTablePages(), 0, 1 << 20,
            "boot-reserved frames for page tables needed before the page allocator exists"),
        ParamSpec.integer("single-page-flush-ceiling", D.singlePageFlushCeiling(), 1, 4096,
            "tlb_single_page_flush_ceiling (arch/x86/mm/tlb.c: 33); larger ranges flush the whole TLB"),
        ParamSpec.integer("kernel-data-pages", X86Options.DEFAULT_KERNEL_DATA_PAGES, 0, 1 << 20,
            "estimate: data translations a kernel entry touches (stack 4, direct-map leaves for per-CPU and slab ~16, "
            + "vmalloc ~4), refilled after a flush of the PCID the kernel runs in"),
        ParamSpec.integer("kernel-text-pages", X86Options.DEFAULT_KERNEL_TEXT_PAGES, 0, 1 << 20,
            "estimate: kernel text translations (2 MiB pages) a kernel entry runs: entry, syscall table, VFS/mm, sched"),
        ParamSpec.choice("virt", "none", List.of("none", "kvm"), "none = bare metal; kvm = the machine is a KVM guest: "
            + "two-dimensional TLB-miss walks, VM exits for IPIs and timer programming (metrics vm_exits.*, "
            + "nested_walk_cycles; docs/profiles.md \"Running as a guest\")"),
        ParamSpec.choice("ept-leaf", Virt.leafName(Virt.NONE.eptLeafShift()), List.of("4k", "2m", "1g"),
            "with virt=kvm: page size of the host's nested (EPT/NPT) mapping of guest memory: 4k, 2m (host THP), "
                + "1g (hugetlbfs); host references per guest-physical translation 4, 3, 2"),
        ParamSpec.choice("apic", "emulated", List.of("emulated", "virtualized"),
            "with virt=kvm: emulated = KVM emulates the x2APIC (an IPI exits on the sender and kicks the target), "
                + "virtualized = APICv with IPI virtualization or AVIC (IPIs to running vCPUs are posted, no exits)"),
        ParamSpec.bool("pv-send-ipi", Virt.NONE.pvSendIpi(),
            "with virt=kvm: KVM_FEATURE_PV_SEND_IPI, a multicast IPI is one hypercall exit per 128 APIC IDs "
                + "instead of one ICR write per target"),
        ParamSpec.integer("vcpu-preempt-percent", 0, 0, 90,
            "with virt=kvm, estimate: share of time the host runs something else on each vCPU (0 = dedicated vCPUs); "
                + "a shootdown to a preempted vCPU waits for it (preempted_ipi_waits) or is deferred (pv-tlb-flush)"),
        ParamSpec.integer("host-slice-us", Virt.DEFAULT_HOST_SLICE_US, 1, 1_000_000,
            "with virt=kvm, estimate: length of one preemption of a vCPU, the host scheduler's slice "
                + "(EEVDF base slice 0.75 ms x (1 + log2 8 host CPUs))"),
        ParamSpec.bool("mirror-physmap", false,
            "mirror set_memory_ro()/set_memory_rw() and memory hot-removal (arch_remove_memory()) of the direct map into "
                + "the restricted direct map (false: the posted series, which leaves it writable and leaves removed memory's "
                + "aliases: the checker reports both; docs/deviations.md)"),
        ParamSpec.bool("pv-tlb-flush", true,
            "with virt=kvm: KVM_FEATURE_PV_TLB_FLUSH, a shootdown sends no IPI to a preempted vCPU; the host "
                + "flushes its whole TLB before it runs again (tlb_flushes_deferred)"));
  }

  /** ASI's own knobs: with ASI off there are no ASI transitions and no mm-local region. */
  @Override
  public boolean affectsAsiOff(String name) {
    return !name.equals("cr3-noflush") && !name.equals("mm-local-slots") && !name.equals("mirror-physmap");
  }

  @Override
  public Machine create(Params p, SimContext ctx) {
    X86Options o = new X86Options(p.getBoolean("cr3-noflush"), p.getInt("mm-local-slots"), p.getLong("kernel-image"),
        p.getInt("spare-table-pages"), p.getInt("single-page-flush-ceiling"), p.getInt("kernel-data-pages"),
        p.getInt("kernel-text-pages"), new Virt(p.getString("virt").equals("kvm"),
            Virt.leafShift(p.getString("ept-leaf")), p.getString("apic").equals("virtualized"), p.getBoolean("pv-send-ipi"),
            p.getInt("vcpu-preempt-percent"), p.getLong("host-slice-us"), p.getBoolean("pv-tlb-flush")),
        p.getBoolean("mirror-physmap"));
    return new X86Machine(ctx.machineConfig(), ctx.cpuProfile(), ctx.metrics(), o);
  }
}
