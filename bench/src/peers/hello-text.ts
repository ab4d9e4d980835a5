// The hello world's answer, the same from every peer (examples/hello.js without a GREETING var). Its own file
// so that peer servers import nothing else of the harness.
export const HELLO_TEXT = "Hello from Skiff!\n";
