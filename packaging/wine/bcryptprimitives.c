/*
 * Test scaffolding for the package check only. It is never shipped: it is
 * built into a throwaway Wine prefix, nowhere else, and no package contains it.
 *
 * Go 1.22 and later Windows programs get their random numbers from
 * ProcessPrng in bcryptprimitives.dll, which Windows 10 and 11 have and
 * Wine 8.0 (Debian 12) lacks; the program then stops at once with "fatal
 * error: bcryptprimitives.dll not found". This DLL exports ProcessPrng and
 * forwards it to RtlGenRandom (advapi32's SystemFunction036), which Wine
 * implements from the host's random source.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
	while (length > 0) {
		ULONG n = length > 0x40000000 ? 0x40000000 : (ULONG)length;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		length -= n;
	}
	return TRUE;
}
