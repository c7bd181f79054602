// Reads Parquet files with two independent readers and prints one JSON
// document per reader and file, so tests can compare what each reader sees
// with what was written:
//   node read.mjs READER[,READER...] FILE...     READER: duckdb or hyparquet
// For each READER in the order given, one line per FILE, in order. The
// readers share nothing but this loop: each opens every file itself, with its
// own library. `node read.mjs --serve SOCKET IDLE_MS` answers the same for
// many test processes (tests/support/script_server.mjs). Each line:
// {columns: [{name, type}], num_rows, rows: [{name: value}],
//          chunks: [{row_group, column, num_values, null_count, min, max,
//                    codec, encodings}]}
// Values are made comparable across readers: strings and booleans as they
// are, INT64 and timestamps (microseconds since the epoch, UTC) as decimal
// strings, doubles as numbers, and NaN / Infinity / -Infinity as strings.
// `type` is the reader's own name for the column's type.
import { readFileSync } from 'node:fs';

import { runScript, UsageError } from '../support/script_server.mjs';


function canonical(value) {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    if (Object.is(value, -0)) return '-0';
    return value;
  }
  if (typeof value === 'object' && typeof value.micros === 'bigint') return value.micros.toString();
  return value;
}

// One in-memory database for every file of the process: creating one costs
// more than reading a small shard, and each file gets its own connection.
let duckdbInstance = null;

async function readWithDuckdb(path) {
  if (!duckdbInstance) {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    duckdbInstance = await DuckDBInstance.create(':memory:', { threads: '1' });
  }
  const connection = await duckdbInstance.connect();
  const quoted = `'${path.replaceAll("'", "''")}'`;

  const data = await connection.runAndReadAll(`SELECT * FROM read_parquet(${quoted})`);
  const names = data.columnNames();
  const types = data.columnTypes().map((t) => t.toString());
  const rows = data.getRowObjects().map((row) => {
    const out = {};
    for (const name of names) out[name] = canonical(row[name]);
    return out;
  });

  // DuckDB prints statistics as text in the column's logical type; turning
  // timestamps back into microseconds is left to DuckDB itself.
  const meta = await connection.runAndReadAll(
    `SELECT row_group_id, path_in_schema, num_values, stats_null_count,
            stats_min_value, stats_max_value, compression, encodings
     FROM parquet_metadata(${quoted}) ORDER BY row_group_id, column_id`);
  const typeOf = Object.fromEntries(names.map((n, i) => [n, types[i]]));
  const chunks = [];
  for (const m of meta.getRowObjects()) {
    const column = m.path_in_schema;
    const stat = async (text) => {
      if (text === null) return null;
      switch (typeOf[column]) {
        case 'BIGINT':
          return text;
        case 'DOUBLE':
          return canonical(Number(text.replace(/^inf$/i, 'Infinity').replace(/^-inf$/i, '-Infinity')));
        case 'BOOLEAN':
          return text === 'true';
        case 'TIMESTAMP WITH TIME ZONE': {
          const r = await connection.runAndReadAll(
            `SELECT epoch_us(CAST('${text.replaceAll("'", "''")}' AS TIMESTAMPTZ))::VARCHAR AS us`);
          return r.getRowObjects()[0].us;
        }
        default:
          return text;
      }
    };
    chunks.push({
      row_group: Number(m.row_group_id),
      column,
      num_values: canonical(m.num_values),
      null_count: canonical(m.stats_null_count),
      min: await stat(m.stats_min_value),
      max: await stat(m.stats_max_value),
      codec: m.compression,
      encodings: m.encodings,
    });
  }
  const numRows = rows.length;
  connection.closeSync();
  return { columns: names.map((name, i) => ({ name, type: types[i] })), num_rows: numRows, rows, chunks };
}

async function readWithHyparquet(path) {
  const { parquetMetadata, parquetReadObjects } = await import('hyparquet');
  const { compressors } = await import('hyparquet-compressors');
  const bytes = readFileSync(path);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  // Keep microseconds exact instead of the default millisecond Date.
  const parsers = { timestampFromMicroseconds: (micros) => micros.toString() };
  const metadata = parquetMetadata(file, { parsers });
  const leaves = metadata.schema.slice(1);
  const columns = leaves.map((element) => {
    const logical = element.logical_type
      ? element.logical_type.type +
        (element.logical_type.unit
          ? `(${element.logical_type.unit},${element.logical_type.isAdjustedToUTC ? 'UTC' : 'local'})`
          : '')
      : '';
    return {
      name: element.name,
      type: [element.type, logical, element.repetition_type].filter(Boolean).join(' '),
    };
  });
  const rows = (await parquetReadObjects({ file, compressors, parsers })).map((row) => {
    const out = {};
    for (const { name } of columns) out[name] = canonical(row[name]);
    return out;
  });
  const chunks = [];
  metadata.row_groups.forEach((group, index) => {
    for (const column of group.columns) {
      const m = column.meta_data;
      const stats = m.statistics ?? {};
      chunks.push({
        row_group: index,
        column: m.path_in_schema.join('.'),
        num_values: canonical(m.num_values),
        null_count: canonical(stats.null_count),
        min: canonical(stats.min_value),
        max: canonical(stats.max_value),
        codec: m.codec,
        encodings: m.encodings.join(','),
      });
    }
  });
  return { columns, num_rows: Number(metadata.num_rows), rows, chunks };
}

const readers = { duckdb: readWithDuckdb, hyparquet: readWithHyparquet };

// Every file with each reader, the readers in the order given; each document
// goes to `emit` as one line of JSON. Throws naming the reader and the file.
async function readAll(args, emit) {
  const [readerList, ...files] = args;
  if (!readerList || files.length === 0) {
    throw new UsageError('usage: node read.mjs READER[,READER...] FILE...   (READER: duckdb, hyparquet)');
  }
  const readerNames = readerList.split(',');
  for (const readerName of readerNames) {
    if (!readers[readerName]) throw new UsageError(`unknown reader ${readerName}`);
  }
  for (const readerName of readerNames) {
    for (const file of files) {
      let result;
      try {
        result = await readers[readerName](file);
      } catch (error) {
        throw new Error(`${readerName}: ${file}: ${error.stack ?? error}`);
      }
      emit(JSON.stringify(result));
    }
  }
}

await runScript(import.meta.url, readAll, async () => duckdbInstance?.closeSync());
