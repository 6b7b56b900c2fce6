var builder = WebApplication.CreateBuilder(args);
builder.Services.AddHealthChecks();
var connection = builder.Configuration.GetConnectionString("Shipping");

var app = builder.Build();
app.MapHealthChecks("/healthz");
app.MapGet("/shipments", () => Array.Empty<string>());
app.Run();
