package io.asisim.sim.kernel;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import io.asisim.sim.check.Checker;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.wiring.VariantModule;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A booted variant for the kernel's hand-checked tests: the simulated kernel, its context and a
 * checker with every check on. {@code pageblock-migratetype} under ASI, {@code buddy} without;
 * each setting is that allocator's parameter ({@code "cma=160M"}).
 */
record KernelRig(SimKernel k, SimContext ctx, Checker checker) {

  static KernelRig boot(long memory, int cpus, boolean asi, String... allocatorSettings) {
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    String allocator = asi ? "pageblock-migratetype" : "buddy";
    sel.put(PluginKind.ALLOCATOR, allocator);
    PluginRegistry reg = PluginRegistry.discover();
    List<String> settings = new ArrayList<>();
    for (String s : allocatorSettings) {
      settings.add("allocator." + allocator + "." + s);
    }
    VariantConfig c = new VariantConfig(new MachineConfig(memory, cpus, asi), sel, Set.of(),
        settings.isEmpty() ? Settings.none() : Settings.parse(settings, reg), 1, 0);
    Injector inj = Guice.createInjector(new VariantModule(c, reg));
    SimKernel k = inj.getInstance(SimKernel.class);
    SimContext ctx = inj.getInstance(SimContext.class);
    return new KernelRig(k, ctx, new Checker(ctx.machine(), ctx.allocator(), k.view(), ctx.metrics(), true));
  }
}
