// ReadableStream, WritableStream, TransformStream and the queuing strategies (Streams standard).
import { deepEqual, equal, ok, readAll, rejects, throws, utf8 } from "./assert.js";

export default {
  "ReadableStream enqueues, reads and closes": async () => {
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(1);
        controller.enqueue(2);
        controller.close();
      },
    });
    const reader = stream.getReader();
    ok(reader instanceof ReadableStreamDefaultReader);
    ok(stream.locked);
    deepEqual(await reader.read(), { value: 1, done: false });
    deepEqual(await reader.read(), { value: 2, done: false });
    deepEqual(await reader.read(), { done: true });
  },
  "ReadableStream pulls on demand with back-pressure": async () => {
    let pulls = 0;
    const stream = new ReadableStream(
      {
        pull(controller) {
          pulls++;
          controller.enqueue(pulls);
          if (pulls === 3) controller.close();
        },
      },
      new CountQueuingStrategy({ highWaterMark: 1 }),
    );
    deepEqual(await readAll(stream), [1, 2, 3]);
  },
  "ReadableStream is async iterable and ReadableStream.from takes iterables": async () => {
    const seen = [];
    for await (const chunk of ReadableStream.from(["a", "b"])) seen.push(chunk);
    deepEqual(seen, ["a", "b"]);
  },
  "ReadableStream.tee gives two readers the same chunks": async () => {
    const [a, b] = ReadableStream.from([1, 2]).tee();
    deepEqual(
      [await readAll(a), await readAll(b)],
      [
        [1, 2],
        [1, 2],
      ],
    );
  },
  "ReadableStream errors and cancels": async () => {
    const failing = new ReadableStream({
      start(controller) {
        controller.error(new TypeError("broken"));
      },
    });
    await rejects(() => failing.getReader().read(), "TypeError");
    let reason;
    const cancellable = new ReadableStream({
      cancel(why) {
        reason = why;
      },
    });
    await cancellable.cancel("enough");
    equal(reason, "enough");
  },
  "byte streams hand out BYOB readers": async () => {
    const stream = new ReadableStream({
      type: "bytes",
      start(controller) {
        controller.enqueue(new Uint8Array([1, 2, 3]));
        controller.close();
      },
    });
    const reader = stream.getReader({ mode: "byob" });
    const { value } = await reader.read(new Uint8Array(8));
    deepEqual([...value], [1, 2, 3]);
  },
  "WritableStream writes in order and closes": async () => {
    const written = [];
    const stream = new WritableStream({
      write(chunk) {
        written.push(chunk);
      },
    });
    const writer = stream.getWriter();
    await writer.write("a");
    await writer.write("b");
    await writer.close();
    deepEqual(written, ["a", "b"]);
    throws(() => stream.getWriter(), "TypeError");
  },
  "WritableStream.abort signals the sink": async () => {
    let aborted;
    const stream = new WritableStream({
      abort(reason) {
        aborted = reason;
      },
    });
    await stream.abort("stop");
    equal(aborted, "stop");
  },
  "TransformStream transforms piped chunks": async () => {
    const upper = new TransformStream({
      transform(chunk, controller) {
        controller.enqueue(chunk.toUpperCase());
      },
    });
    deepEqual(await readAll(ReadableStream.from(["a", "b"]).pipeThrough(upper)), ["A", "B"]);
  },
  "pipeTo moves every chunk into a WritableStream": async () => {
    const written = [];
    await ReadableStream.from([1, 2, 3]).pipeTo(
      new WritableStream({
        write(chunk) {
          written.push(chunk);
        },
      }),
    );
    deepEqual(written, [1, 2, 3]);
  },
  "ByteLengthQueuingStrategy measures chunks by byteLength": () => {
    const strategy = new ByteLengthQueuingStrategy({ highWaterMark: 16 });
    deepEqual([strategy.highWaterMark, strategy.size(new Uint8Array(5))], [16, 5]);
  },
  "TextEncoderStream and TextDecoderStream": async () => {
    const encoded = await readAll(ReadableStream.from(["h€", "llo"]).pipeThrough(new TextEncoderStream()));
    const bytes = encoded.flatMap((chunk) => [...chunk]);
    deepEqual(bytes, [...utf8("h€llo")]);
    const split = ReadableStream.from([new Uint8Array(bytes.slice(0, 2)), new Uint8Array(bytes.slice(2))]);
    equal((await readAll(split.pipeThrough(new TextDecoderStream()))).join(""), "h€llo");
  },
};
