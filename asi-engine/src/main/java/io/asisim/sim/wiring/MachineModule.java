package io.asisim.sim.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.asisim.api.machine.Machine;
import io.asisim.api.plugin.PluginKind;

/** Binds the simulated machine: the selected plugin of kind {@code machine} ({@code x86}). */
final class MachineModule extends AbstractModule {
  @Provides
  @Singleton
  Machine machine(PluginFactory f) {
    return f.create(PluginKind.MACHINE, Machine.class);
  }
}
