/*
 * unit.h - what every cmocka unit test includes: cmocka itself (with the
 * headers it needs first), the public API, and small helpers to build
 * revision graphs from a compact description.
 */
#ifndef RT_UNIT_H
#define RT_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "retort.h"

#endif
