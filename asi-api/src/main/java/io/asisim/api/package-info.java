/**
 * The asi-sim SPI. Subpackages: {@code plugin} (descriptors, parameters, the build context),
 * {@code metrics}, {@code machine} (the simulated x86 machine and CPU profiles), {@code mm} (page
 * allocator, GFP flags, sensitivity), {@code mapper} (temporary mappings and TLB flush policies),
 * {@code kernel} (workloads and context-switch policy), {@code trace} (trace formats).
 */
package io.asisim.api;
