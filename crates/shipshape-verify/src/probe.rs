//! TCP and plain HTTP/1.1 probes of a local port.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

pub fn address(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// True when something accepts connections on the loopback port.
pub fn port_open(port: u16) -> bool {
    TcpStream::connect_timeout(&address(port), Duration::from_millis(500)).is_ok()
}

/// `GET path` on the loopback port; the status code of the answer.
pub fn http_get(port: u16, path: &str) -> std::io::Result<u16> {
    let mut stream = TcpStream::connect_timeout(&address(port), Duration::from_secs(3))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: shipshape-verify\r\nAccept: */*\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes())?;
    let mut head = Vec::new();
    let mut buffer = [0u8; 512];
    while !head.contains(&b'\n') && head.len() < 4096 {
        let read = stream.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        head.extend_from_slice(&buffer[..read]);
    }
    status_code(&String::from_utf8_lossy(&head))
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, "the answer is not HTTP"))
}

/// The status code of an HTTP status line.
pub fn status_code(head: &str) -> Option<u16> {
    let line = head.lines().next()?;
    let mut parts = line.split_whitespace();
    parts.next().filter(|p| p.starts_with("HTTP/"))?;
    parts.next()?.parse().ok()
}

/// A loopback port nobody listens on right now.
pub fn free_port() -> std::io::Result<u16> {
    let listener = std::net::TcpListener::bind(address(0))?;
    Ok(listener.local_addr()?.port())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines() {
        assert_eq!(status_code("HTTP/1.1 204 No Content\r\nA: b\r\n"), Some(204));
        assert_eq!(status_code("SSH-2.0-OpenSSH\r\n"), None);
    }

    #[test]
    fn http_get_reads_the_status_of_a_local_server() -> std::io::Result<()> {
        let listener = std::net::TcpListener::bind(address(0))?;
        let port = listener.local_addr()?.port();
        let server = std::thread::spawn(move || -> std::io::Result<()> {
            let (mut stream, _) = listener.accept()?;
            let mut buffer = [0u8; 1024];
            let _ = stream.read(&mut buffer)?;
            stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        });
        assert_eq!(http_get(port, "/healthz")?, 200);
        server.join().map_err(|_| std::io::Error::other("server thread panicked"))??;
        Ok(())
    }
}
