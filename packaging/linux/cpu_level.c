/* How capable this processor is, asked with CPUID through GCC's own detection (libgcc), so that
 * the release bundle can pick the llama.cpp CPU backend it runs before loading any of it.
 * Built with the bundle for plain x86-64, so it runs on every 64-bit PC.
 * Returns 3 for x86-64-v3 (AVX2, FMA, F16C, BMI1/2, with the OS saving AVX state),
 * 2 for x86-64-v2 (SSE4.2, POPCNT), 1 for anything older. */
int oci_cpu_level(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v3"))
        return 3;
    if (__builtin_cpu_supports("x86-64-v2"))
        return 2;
    return 1;
}
