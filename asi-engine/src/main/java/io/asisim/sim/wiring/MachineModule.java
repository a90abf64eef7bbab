package io.asisim.sim.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.asisim.api.machine.Machine;

/** TEMPORARY until the asi-x86 merge: binds the simulated machine. */
final class MachineModule extends AbstractModule {
  @Provides
  @Singleton
  Machine machine() {
    throw new UnsupportedOperationException("MERGE-PENDING: X86Machine");
  }
}
