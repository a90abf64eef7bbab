/**
 * Contract tests a plugin author extends in a few lines to prove a plugin against the simulator:
 * one abstract JUnit 5 class per plugin kind ({@link io.asisim.testkit.FlushPolicyContract},
 * {@link io.asisim.testkit.MapperContract}, {@link io.asisim.testkit.PageAllocatorContract},
 * {@link io.asisim.testkit.SensitivityClassifierContract},
 * {@link io.asisim.testkit.ContextSwitchPolicyContract}, {@link io.asisim.testkit.WorkloadContract})
 * with functional invariants, determinism (same seed, same result) and, for a policy that claims
 * to be secure, no leak exposure. The fixtures ({@link io.asisim.testkit.TestVariants},
 * {@link io.asisim.testkit.ScenarioRig}) build the plugin into a real simulated variant: the x86
 * machine, the built-in plugins of the other kinds and the engine's Guice wiring.
 *
 * <pre>{@code
 * class LazyBatchedContractTest extends FlushPolicyContract {
 *   protected Plugin<?> plugin() { return new LazyBatchedFlushPolicyPlugin(); }
 *   protected boolean claimsSecure() { return false; }
 * }
 * }</pre>
 */
package io.asisim.testkit;
