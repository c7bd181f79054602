// Translation between gleaner::Status and grpc::Status, so services return
// the gRPC code a client can act on and clients report it as Gleaner errors
// (with the CLI's exit codes). Pure functions; thread-safe.
#pragma once

#include <grpcpp/support/status.h>

#include "common/status.h"

namespace gleaner::service {

// NotFound → NOT_FOUND, InvalidArgument → INVALID_ARGUMENT, FailedPrecondition
// → FAILED_PRECONDITION, Unavailable → UNAVAILABLE, Aborted → ABORTED, the
// rest → INTERNAL; the message is kept.
grpc::Status ToGrpc(const Status& s);

// The reverse, for clients. UNAUTHENTICATED, PERMISSION_DENIED and
// UNIMPLEMENTED become FailedPrecondition (the caller must change something
// before retrying: exit code 2); UNAVAILABLE and DEADLINE_EXCEEDED become
// Unavailable. The message is prefixed with the code's name.
Status FromGrpc(const grpc::Status& s);

// "OK", "NOT_FOUND", …: the code's name as in the gRPC specification.
const char* GrpcCodeName(grpc::StatusCode code);

}  // namespace gleaner::service
