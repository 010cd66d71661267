/* main.c: placeholder entry point while the CLI is being built. */
#include <stdio.h>

int main(void)
{
	puts("esra " ESRA_VERSION);
	return 0;
}
