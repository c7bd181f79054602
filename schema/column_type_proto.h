// ColumnType <-> v1::ColumnType (gleaner_service.proto), the column types of
// a PullDataset stream: the server sends them (service/dataset), `gleaner
// pull` writes its shards by them. Stateless; thread-safe.
#pragma once

#include "schema/column_type.h"
#include "schema/gleaner_service.pb.h"

namespace gleaner::schema {

v1::ColumnType ToProto(ColumnType type);
// A value this build does not know (a newer server's) reads as kString, the
// type every value can be written as.
ColumnType FromProto(v1::ColumnType type);

}  // namespace gleaner::schema
