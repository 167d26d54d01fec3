/* The libprotobuf-c runtime (Debian libprotobuf-c-dev, pkg-config libprotobuf-c) for Swift. */
#ifndef CPROTOBUFC_SHIM_H
#define CPROTOBUFC_SHIM_H

#include <protobuf-c/protobuf-c.h>

#endif
