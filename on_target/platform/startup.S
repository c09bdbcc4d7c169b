/* Vector table and reset handler. The reset handler runs before any C++ code: it grants
   access to coprocessors CP10/CP11 (the FPU and, on Cortex-M55, the MVE vector unit), since
   compiled code, even a copy loop, may use them; the barriers make the grant visible before
   the next instruction. Everything else happens in platform_start (startup.cpp). */
    .syntax unified
    .thumb

    .section .vectors, "a"
    .align 2
    .global platform_vectors
platform_vectors:
    .word __stack_top
    .word platform_reset
    .word platform_fault            /* NMI */
    .word platform_fault            /* HardFault */
    .word platform_fault            /* MemManage */
    .word platform_fault            /* BusFault */
    .word platform_fault            /* UsageFault */
    .word platform_fault            /* SecureFault (Armv8-M) */
    .word 0
    .word 0
    .word 0
    .word platform_fault            /* SVCall */
    .word platform_fault            /* DebugMonitor */
    .word 0
    .word platform_fault            /* PendSV */
    .word platform_systick_handler  /* SysTick: counts reloads of the instruction counter */

    .text
    .thumb_func
    .global platform_reset
platform_reset:
    ldr r0, =0xE000ED88             /* CPACR */
    ldr r1, [r0]
    orr r1, r1, #(0xF << 20)        /* CP10 and CP11: full access */
    str r1, [r0]
    dsb
    isb
    b platform_start

    .thumb_func
    .global platform_fault
platform_fault:
    mrs r0, msp                     /* the stacked frame: r0-r3, r12, lr, pc, xpsr */
    mrs r1, ipsr
    b platform_report_fault
