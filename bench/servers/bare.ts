// Baseline `bare` (performance.md): node:http answering a fixed small JSON, the ceiling for any
// Node service on this machine. The request body is read and discarded, as any server must.
import { createServer } from 'node:http';

const BODY = Buffer.from(JSON.stringify({ location: { lat: 51.0, lng: -0.1 }, accuracy: 10 }));
const port = Number(process.argv[2] ?? 0);

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': BODY.length });
    res.end(BODY);
  });
});
server.keepAliveTimeout = 5000;
server.listen(port, '127.0.0.1', () => {
  const a = server.address();
  process.stdout.write(`listening ${typeof a === 'object' && a ? a.port : port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
