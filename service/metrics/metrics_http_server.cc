#include "service/metrics/metrics_http_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <string_view>
#include <thread>

namespace gleaner::service {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// A scraper that keeps a connection open without asking for anything loses it.
constexpr auto kIdleTimeout = std::chrono::seconds(60);

http::response<http::string_body> Respond(const http::request<http::string_body>& request,
                                          const std::function<std::string()>& render) {
  http::response<http::string_body> response;
  response.version(request.version());
  response.keep_alive(request.keep_alive());
  std::string_view target(request.target().data(), request.target().size());
  if (target.substr(0, target.find('?')) != "/metrics") {
    response.result(http::status::not_found);
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    response.body() = "not found; metrics are at /metrics\n";
  } else if (request.method() != http::verb::get) {
    response.result(http::status::method_not_allowed);
    response.set(http::field::allow, "GET");
  } else {
    response.result(http::status::ok);
    response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    response.body() = render();
  }
  response.prepare_payload();
  return response;
}

// One keep-alive connection; lives as long as an operation of its own is pending.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, const std::function<std::string()>* render)
      : stream_(std::move(socket)), render_(render) {}

  void Read() {
    request_ = {};
    stream_.expires_after(kIdleTimeout);
    http::async_read(stream_, buffer_, request_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       // End of stream, the idle timeout or a malformed request.
                       if (!ec) self->Write();
                     });
  }

 private:
  void Write() {
    response_ = Respond(request_, *render_);
    http::async_write(stream_, response_,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) return;
                        if (!self->response_.keep_alive()) {
                          self->stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
                          return;
                        }
                        self->Read();
                      });
  }

  beast::tcp_stream stream_;
  const std::function<std::string()>* render_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
};

std::string Address(const tcp::endpoint& endpoint) {
  std::string host = endpoint.address().to_string();
  if (endpoint.address().is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(endpoint.port());
}

}  // namespace

// Declaration order matters: the acceptor closes before its io_context goes.
struct MetricsHttpServer::Impl {
  std::function<std::string()> render;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::thread thread;

  void Accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;  // the acceptor was closed
      if (!ec) std::make_shared<Connection>(std::move(socket), &render)->Read();
      Accept();
    });
  }
};

MetricsHttpServer::MetricsHttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

MetricsHttpServer::~MetricsHttpServer() {
  impl_->io.stop();
  impl_->thread.join();
  // impl_ goes next: the acceptor, then the io_context with the connections its handlers hold.
}

Status MetricsHttpServer::Start(const std::string& listen, std::function<std::string()> render,
                                std::unique_ptr<MetricsHttpServer>* out) {
  size_t colon = listen.rfind(':');
  std::string host = colon == std::string::npos ? "" : listen.substr(0, colon);
  std::string port = colon == std::string::npos ? listen : listen.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  // Metrics name jobs and their sizes: only an explicit host exposes them beyond this machine.
  if (host.empty()) host = "127.0.0.1";

  auto impl = std::make_unique<Impl>();
  impl->render = std::move(render);
  beast::error_code ec;
  tcp::resolver resolver(impl->io);
  auto endpoints = resolver.resolve(host, port, tcp::resolver::numeric_service, ec);
  if (!ec && endpoints.empty()) ec = asio::error::host_not_found;
  if (!ec) {
    tcp::endpoint endpoint = endpoints.begin()->endpoint();
    impl->acceptor.open(endpoint.protocol(), ec);
    if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) impl->acceptor.bind(endpoint, ec);
    if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) return Status::IOError("cannot listen on " + listen + " for metrics: " + ec.message());

  std::unique_ptr<MetricsHttpServer> server(new MetricsHttpServer(std::move(impl)));
  Impl* p = server->impl_.get();
  server->address_ = Address(p->acceptor.local_endpoint());
  p->Accept();
  p->thread = std::thread([p] { p->io.run(); });
  *out = std::move(server);
  return Status::OK();
}

}  // namespace gleaner::service
