// Compiled with the Catch2 precompiled header so that the PCH exists for REUSE_FROM even though
// catch_main.cpp itself must skip it.
#include <catch2/catch.hpp>
