//! The benches' HTTP/1.1 client: one request at a time on a keep-alive connection, read to the end of its response.

/// Writes one request and reads its response (status line, headers, `content-length` body); asserts `status`.
pub async fn exchange(connection: &mut tokio::net::TcpStream, request: &[u8], status: u16) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    connection.write_all(request).await.unwrap();
    let mut response = Vec::with_capacity(256);
    let mut chunk = [0u8; 1024];
    let expected = format!("http/1.1 {status}");
    loop {
        let read = connection.read(&mut chunk).await.unwrap();
        assert!(read > 0, "the server closed the connection");
        response.extend_from_slice(&chunk[..read]);
        if let Some(end) = response.windows(4).position(|window| window == b"\r\n\r\n") {
            let head = std::str::from_utf8(&response[..end]).unwrap().to_ascii_lowercase();
            assert!(head.starts_with(&expected), "{head}");
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .map_or(0, |value| value.trim().parse().unwrap());
            if response.len() >= end + 4 + length {
                return;
            }
        }
    }
}
