// P/Invoke declarations for the libc calls the engine makes: madvise (transparent huge pages) and setenv (OpenBLAS's settings).
using System.Runtime.InteropServices;

namespace Engine.Interop;

internal static unsafe partial class Interop
{
    /// <summary>The GNU C library of Linux (the soname, since "libc.so" is a linker script on Debian).</summary>
    internal static unsafe partial class Libc
    {
        private const string Library = "libc.so.6";

        /// <summary>MADV_HUGEPAGE (Linux): back this range with transparent huge pages where the kernel allows.</summary>
        internal const int AdviseHugePage = 14;

        /// <summary>int madvise(void *addr, size_t length, int advice); 0 on success, −1 with errno on failure.</summary>
        [LibraryImport(Library, EntryPoint = "madvise")]
        internal static partial int Madvise(void* address, nuint length, int advice);

        /// <summary>
        /// int setenv(const char *name, const char *value, int overwrite): the process's native environment, which
        /// native libraries read (.NET's Environment.SetEnvironmentVariable changes only the runtime's own copy on Unix).
        /// </summary>
        [LibraryImport(Library, EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int Setenv(string name, string value, int overwrite);
    }
}
