// The doctest driver shared by every core suite, natively and under Node.js.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
