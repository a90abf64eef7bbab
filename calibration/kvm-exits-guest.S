# Three real-mode guest programs for kvm-exits.c, each linked at 0x1000 (see kvm-exits.sh).
	.code16
	.globl io_loop, cpuid_loop, touch_loop, spin_loop
# io_loop: an OUT to port 0x10 per iteration: each KVM_RUN returns KVM_EXIT_IO to user space
io_loop:
	out %al, $0x10
	jmp io_loop
# cpuid_loop: %si CPUIDs (each an exit KVM handles in the kernel), timed with RDTSC in the guest;
# t0 at 0x500, t1 at 0x508; then HLT (KVM_EXIT_HLT to user space: no in-kernel irqchip)
cpuid_loop:
	rdtsc
	mov %eax, 0x500
	mov %edx, 0x504
1:	xor %eax, %eax
	cpuid
	dec %si
	jnz 1b
	rdtsc
	mov %eax, 0x508
	mov %edx, 0x50c
	hlt
# touch_loop: writes one byte to each of %si pages from segment %es upward (4 KiB apart), timed
touch_loop:
	rdtsc
	mov %eax, 0x500
	mov %edx, 0x504
2:	movb $1, %es:0
	mov %es, %ax
	add $0x100, %ax
	mov %ax, %es
	dec %si
	jnz 2b
	rdtsc
	mov %eax, 0x508
	mov %edx, 0x50c
	hlt
# spin_loop: %si iterations of DEC + JNZ alone, timed: the control. On hardware virtualization an
# iteration is a cycle or two; thousands of ticks mean the guest's instructions are emulated
spin_loop:
	rdtsc
	mov %eax, 0x500
	mov %edx, 0x504
3:	dec %si
	jnz 3b
	rdtsc
	mov %eax, 0x508
	mov %edx, 0x50c
	hlt
