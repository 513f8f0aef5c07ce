// Baseline `koa-echo` (performance.md): Koa + @koa/router parsing a JSON POST body and echoing
// it, the framework's own cost. The body is read as Ichnos reads one (streamed, size-capped).
import Router from '@koa/router';
import Koa from 'koa';

const port = Number(process.argv[2] ?? 0);
const app = new Koa();
const router = new Router();

router.post('/echo', async (ctx) => {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  ctx.body = text.length ? JSON.parse(text) : {};
});
app.use(router.routes());
app.use(router.allowedMethods());

const server = app.listen(port, '127.0.0.1', () => {
  const a = server.address();
  process.stdout.write(`listening ${typeof a === 'object' && a ? a.port : port}\n`);
});
server.keepAliveTimeout = 5000;
process.on('SIGTERM', () => server.close(() => process.exit(0)));
