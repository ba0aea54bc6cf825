// Starts the sample app on $HOST:$PORT (the pod's own address and the container port).
import { createApp } from './app.mjs';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const server = createApp().listen(port, host, () => console.log(`sample-app listening on ${host}:${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
