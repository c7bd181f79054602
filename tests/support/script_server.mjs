// Runs one of the tests' Node.js scripts (tests/parquet_readers/read.mjs,
// tests/html_reports/open.mjs) in either of two ways:
//   node SCRIPT ARGS...                once: its documents on stdout, a line
//                                      each; exit 1 on a failure, 2 on bad usage
//   node SCRIPT --serve SOCKET IDLE_MS  a server on a Unix socket for many
//                                      test processes
// Starting node and a script's libraries (DuckDB, Chromium) costs far more
// CPU than the work a test asks of it; one server per build tree saves that
// for every test after the first (tests/support/node_script.h starts it).
// The server takes one request per connection: a line {"args": [...]} in;
// the documents out, a line each, then {"end": "ok"}, or {"end": "error",
// "message"}, or {"end": "stale"} when the script or this file changed since
// the server started (it then stops). It stops after IDLE_MS without a
// request, removing SOCKET and awaiting the script's `close`.
import { statSync, unlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

// Bad arguments: exit 2 when run once.
export class UsageError extends Error {}

// `run(args, emit)` does the script's work for `args`, handing each document
// to `emit` as one line of JSON; `close()` releases what runs keep between
// them (a browser, a database).
export async function runScript(scriptUrl, run, close = async () => {}) {
  const args = process.argv.slice(2);
  if (args[0] !== '--serve') {
    try {
      await run(args, (line) => process.stdout.write(line + '\n'));
    } catch (error) {
      console.error(error instanceof UsageError ? error.message : String(error.stack ?? error));
      process.exitCode = error instanceof UsageError ? 2 : 1;
    } finally {
      await close();
    }
    return;
  }
  const idleMs = Number(args[2]);
  if (args.length !== 3 || !(idleMs > 0)) {
    console.error('usage: node SCRIPT --serve SOCKET IDLE_MS');
    process.exit(2);
  }
  serve(args[1], idleMs, [fileURLToPath(scriptUrl), fileURLToPath(import.meta.url)], run, close);
}

function serve(socketPath, idleMs, sources, run, close) {
  const modified = () => sources.map((file) => statSync(file).mtimeMs).join();
  const startedAs = modified();
  let active = 0;
  let idleTimer = null;
  let stopped = false;
  const server = createServer((socket) => {
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('error', () => {});
    const onData = async (chunk) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      socket.off('data', onData);
      const end = (reply) => socket.end(JSON.stringify(reply) + '\n');
      if (stopped || modified() !== startedAs) {
        end({ end: 'stale' });
        stop();
        return;
      }
      active++;
      clearTimeout(idleTimer);
      try {
        const { args } = JSON.parse(buffered.slice(0, newline));
        await run(args, (line) => socket.write(line + '\n'));
        end({ end: 'ok' });
      } catch (error) {
        end({ end: 'error', message: String(error.stack ?? error) });
      }
      if (--active === 0) idleTimer = setTimeout(stop, idleMs);
    };
    socket.on('data', onData);
  });
  function stop() {
    if (stopped) return;
    stopped = true;
    clearTimeout(idleTimer);
    server.close();
    try {
      unlinkSync(socketPath);
    } catch {}
    // Requests under way finish first; the process ends with its last handle.
    const finish = () => (active === 0 ? close() : setTimeout(finish, 100));
    finish();
  }
  // A socket file left by a server that died answers nobody: the client that
  // started this one holds the start lock and found no server answering.
  try {
    unlinkSync(socketPath);
  } catch {}
  server.listen(socketPath, () => {
    idleTimer = setTimeout(stop, idleMs);
  });
}
