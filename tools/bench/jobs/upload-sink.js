// The second ceiling of the jobs benchmark's submission step: a bare node:http server that reads
// each request body to its end into one Buffer (as the gateway collects a multipart upload) and
// answers {"job_id": "<uuid>"}. No multipart parsing, no signature, no forwarding, no database: what
// receiving the same 1 MB body over loopback costs by itself. PORT from the environment; prints
// READY once listening; SIGTERM stops it.
'use strict';
const crypto = require('crypto');
const http = require('http');

const server = http.createServer((req, res) => {
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    chunks.push(chunk);
    size += chunk.length;
  });
  req.on('end', () => {
    Buffer.concat(chunks, size);
    const body = JSON.stringify({ job_id: crypto.randomUUID() });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('READY\n'));
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
