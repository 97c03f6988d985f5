// P/Invoke declaration for the one libc call the engine makes: madvise, to ask for transparent huge pages.
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
    }
}
