/* Bare-metal start for the lx106 under QEMU: stack, .data copy, .bss clear, main, exit
 * through simcall; exception vectors that hand the cause to lx106_fatal(). */
    .section .text.start, "ax"
    .global _start
    .align 4
_start:
    movi    a1, __stack_top
    movi    a2, __vectors_base
    wsr     a2, vecbase
    movi    a2, 0x20            /* PS.UM=1, EXCM=0, INTLEVEL=0: faults go to the user vector */
    wsr     a2, ps
    rsync

    movi    a2, __data_start
    movi    a3, __data_end
    movi    a4, __data_load
1:  bgeu    a2, a3, 2f
    l32i    a5, a4, 0
    s32i    a5, a2, 0
    addi    a2, a2, 4
    addi    a4, a4, 4
    j       1b
2:
    movi    a2, __bss_start
    movi    a3, __bss_end
    movi    a4, 0
3:  bgeu    a2, a3, 4f
    s32i    a4, a2, 0
    addi    a2, a2, 4
    j       3b
4:
    call0   main
    call0   lx106_exit          /* a2 still holds main's result */
5:  j       5b

/* Vector offsets of the ESP8266's core configuration, relative to VECBASE. */
    .section .vectors, "ax"
    .align 4
    .org    0x10                /* debug */
    movi    a2, 1
    j       vector_common
    .org    0x20                /* NMI */
    movi    a2, 2
    j       vector_common
    .org    0x30                /* kernel */
    movi    a2, 3
    j       vector_common
    .org    0x50                /* user */
    movi    a2, 4
    j       vector_common
    .org    0x70                /* double */
    movi    a2, 5
    j       vector_common
    .align 4
vector_common:
    rsr     a3, exccause
    rsr     a4, epc1
    rsr     a5, excvaddr
    movi    a1, __stack_top
    call0   lx106_fatal
6:  j       6b
